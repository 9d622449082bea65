package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.TransportMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnumNamesTest {

    @Test
    void displaysConstantsLowerCaseWithHyphens() {
        assertEquals("direct-storage-access", EnumNames.display(TransportMode.DIRECT_STORAGE_ACCESS));
        assertEquals(List.of("vcenter", "esxi", "hyperv-cluster", "hyperv-host", "proxmox-node"),
                EnumNames.displayAll(HostKind.class));
    }

    @Test
    void acceptsAnyCaseWithHyphensUnderscoresOrNeither() {
        for (String text : List.of("hyperv-offhost-proxy", "HYPERV_OFFHOST_PROXY", "HyperV-Offhost_Proxy",
                "hypervoffhostproxy", "  hyperv-offhost-proxy ")) {
            assertEquals(RoleType.HYPERV_OFFHOST_PROXY, EnumNames.parse(RoleType.class, text, "ROLE"), text);
        }
    }

    @Test
    void unknownValueNamesTheOptionTheValueAndTheChoices() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> EnumNames.parse(HostKind.class, "xen", "--kind"));
        assertEquals("--kind: 'xen' is not one of: vcenter, esxi, hyperv-cluster, hyperv-host, proxmox-node",
                e.getMessage());
    }

    @Test
    void blankOrMissingValueIsRefused() {
        assertThrows(ValidationException.class, () -> EnumNames.parse(HostKind.class, "", "--kind"));
        assertThrows(ValidationException.class, () -> EnumNames.parse(HostKind.class, null, "--kind"));
        assertThrows(ValidationException.class, () -> EnumNames.parse(HostKind.class, "--", "--kind"));
    }

    @Test
    void errorListsOnlyTheOfferedChoices() {
        ValidationException e = assertThrows(ValidationException.class, () -> EnumNames.parse(RoleType.class, "proxy",
                "ROLE", List.of(RoleType.VMWARE_PROXY, RoleType.REPOSITORY)));
        assertEquals("ROLE: 'proxy' is not one of: vmware-proxy, repository", e.getMessage());
    }
}
