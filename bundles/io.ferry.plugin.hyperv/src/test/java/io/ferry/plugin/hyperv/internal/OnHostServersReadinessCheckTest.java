package io.ferry.plugin.hyperv.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Severity;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ferry:check on the backup server: can each Hyper-V host back its VMs up on-host (seed 004)? */
class OnHostServersReadinessCheckTest {

    private static final String SEED = "004_896724e719374b4d.txt";
    private final HypervLab lab = new HypervLab();
    private final OnHostServersReadinessCheck check = new OnHostServersReadinessCheck();

    private List<CheckResult> results() {
        InventorySnapshot inventory = lab.snapshot();
        return check.check(inventory.server("bs").orElseThrow(), inventory);
    }

    private CheckResult forHost(String host) {
        return results().stream().filter(r -> r.detail().startsWith("Hyper-V host " + host + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + host + " in " + results()));
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: one result per Hyper-V host, reported on the backup server")
    void oneResultPerHostOnTheBackupServer() {
        assertEquals(RoleType.BACKUP_SERVER, check.role());
        List<CheckResult> results = results();
        assertEquals(4, results.size(), results.toString());
        assertTrue(results.stream().allMatch(r -> r.check().equals("hyperv-host-managed-server")
                && r.seed().equals(SEED) && r.severity() == Severity.WARNING), results.toString());
        CheckResult hv01 = forHost("hv01");
        assertTrue(hv01.ok(), hv01.detail());
        assertEquals("Hyper-V host hv01 is managed server hv01-srv: it can back its VMs up on-host", hv01.detail());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: a host that is not a managed server is a warning saying exactly what to declare")
    void hostThatIsNotAManagedServerIsAWarningWithTheCommand() {
        CheckResult solo = forHost("hv-solo");
        assertFalse(solo.ok());
        assertFalse(solo.failed(), "a warning: VMs the off-host proxies serve do not need it");
        assertEquals("Hyper-V host hv-solo is not a managed server, so it cannot back its VMs up on-host when no"
                + " off-host proxy qualifies", solo.detail());
        assertEquals("declare it as one, under the host's name: ferry:server-add --address hv-solo.lab.example"
                + " --os windows:server:2019 --kind physical --domain lab.example hv-solo (or name its managed server"
                + " when adding the host: ferry:host-add --kind hyperv-host --address hv-solo.lab.example"
                + " --managed-server SERVER hv-solo)", solo.fix());
        assertTrue(forHost("hv-old").fix().contains("ferry:server-add --address hv-old.lab.example"
                + " --os windows:server:2012r2 --kind physical hv-old"), forHost("hv-old").fix());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: after server-add under the host's name the host is ready for on-host backup")
    void serverOfTheHostsNameCounts() {
        lab.server(HypervLab.windows("hv-solo").machineKind(MachineKind.PHYSICAL).build());
        CheckResult solo = forHost("hv-solo");
        assertTrue(solo.ok(), solo.detail());
        assertEquals("Hyper-V host hv-solo is managed server hv-solo (of the host's name): it can back its VMs up"
                + " on-host", solo.detail());
    }

    @Test
    @DisplayName("seed 004_896724e719374b4d.txt: a disabled managed server cannot back up on-host")
    void disabledManagedServer() {
        ManagedServer srv = lab.server(HypervLab.windows("hv01-srv").machineKind(MachineKind.PHYSICAL).enabled(false)
                .build());
        CheckResult hv01 = forHost("hv01");
        assertFalse(hv01.ok());
        assertEquals("enable it: ferry:server-update --enable " + srv.name(), hv01.fix());
    }

    @Test
    void withoutHyperVHostsOneResultSaysSo() {
        InventorySnapshot none = new InventorySnapshot(lab.servers, List.of(), List.of());
        List<CheckResult> results = check.check(none.server("bs").orElseThrow(), none);
        assertEquals(1, results.size());
        assertTrue(results.get(0).ok());
        assertEquals("no Hyper-V host in the inventory", results.get(0).detail());
    }
}
