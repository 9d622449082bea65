package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathNotAllowedException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 point 3: the import service reads only files under transfer.roots, never under etc/. */
class ConfinedImportTest {

    @TempDir
    Path tmp;

    @Test
    void importReadsOnlyFilesInsideTheTransferRoots() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        TestDatabases.Db db = TestDatabases.h2();
        InventoryDatabase database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        try {
            JsonInventoryTransfer transfer = new JsonInventoryTransfer(database, new JdbcAuditLog(database),
                    ConfinedPaths.fromConfiguration(Map.of(), name -> data.toString(), etc));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transfer.exportTo(out);
            Path inside = Files.createDirectories(data.resolve("ferry/transfer")).resolve("inventory.json");
            Files.write(inside, out.toByteArray());
            assertEquals(1, transfer.importFrom(inside, true).servers());

            Path outside = Files.write(tmp.resolve("inventory.json"), out.toByteArray());
            PathNotAllowedException e = assertThrows(PathNotAllowedException.class,
                    () -> transfer.importFrom(outside, true));
            assertEquals("transfer.roots", e.setting());
            assertTrue(e.getMessage().contains("Import/export file '" + outside + "' is outside"), e.getMessage());

            Path users = Files.writeString(etc.resolve("users.properties"), "karaf = karaf\n");
            Files.createSymbolicLink(data.resolve("ferry/transfer/users.json"), users);
            assertEquals("etc", assertThrows(PathNotAllowedException.class,
                    () -> transfer.importFrom(data.resolve("ferry/transfer/users.json"), true)).setting());
        } finally {
            database.stop();
        }
    }
}
