package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.StorageKind;
import org.junit.jupiter.api.Test;

class StorageSpecParserTest {

    @Test
    void parsesNameKindAndDedup() {
        assertEquals(new HostStorage("ds1", StorageKind.VMFS, false), StorageSpecParser.parse("ds1:vmfs"));
        assertEquals(new HostStorage("Volume1", StorageKind.CSV, true), StorageSpecParser.parse("Volume1:CSV:dedup"));
        assertEquals(new HostStorage("local-zfs", StorageKind.PVE_POOL, false), StorageSpecParser.parse("local-zfs:pve-pool"));
    }

    @Test
    void refusesMalformedSpecs() {
        assertTrue(message("ds1").startsWith("--storage: 'ds1' is not name:kind[:dedup]"));
        assertTrue(message(":vmfs").startsWith("--storage: ':vmfs' is not name:kind[:dedup]"));
        assertTrue(message("a:b:c:d").startsWith("--storage: 'a:b:c:d' is not name:kind[:dedup]"));
        assertTrue(message("ds1:zfs").startsWith("--storage 'ds1:zfs' kind: 'zfs' is not one of: vmfs, nfs"));
        assertTrue(message("Volume1:csv:compressed").contains("the third part may only be 'dedup'"));
        assertTrue(message("my share:smb3").startsWith("--storage: 'my share' is not a valid name"));
    }

    private static String message(String text) {
        return assertThrows(ValidationException.class, () -> StorageSpecParser.parse(text)).getMessage();
    }
}
