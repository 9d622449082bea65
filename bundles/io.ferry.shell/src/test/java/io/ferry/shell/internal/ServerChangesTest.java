package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.ServerSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerChangesTest {

    private static final ServerSpec PX01 = ServerSpec.builder("px-01", "10.0.1.21")
            .os(OsInfo.windows("server", "2022")).machineKind(MachineKind.PHYSICAL)
            .networks(List.of(Cidr.of("10.0.1.0/24"), Cidr.of("10.0.2.0/24"))).site("hq").domain("corp.example")
            .trustedDomains(List.of("lab.example")).fact("powershell.version", "5.1").fact("cluster", "hv-clu")
            .installedPackages(List.of("vss-provider")).maxConcurrentTasks(6).build();

    @Test
    void createUsesTheBuilderDefaultsPlusTheOptions() {
        ServerSpec spec = new ServerChanges().os("linux:rocky:9.3").networks(List.of("10.0.1.0/24"))
                .facts(List.of("hyperv.version=2022")).packages(List.of("samba-client", "libmsi1"))
                .maxTasks(8).enabled(false).create("lnx-01", "lnx-01.corp.example");
        assertEquals("lnx-01", spec.name());
        assertEquals(OsInfo.linux("rocky", "9.3"), spec.os());
        assertEquals(MachineKind.VIRTUAL, spec.machineKind());
        assertEquals(List.of(Cidr.of("10.0.1.0/24")), spec.networks());
        assertEquals(Map.of("hyperv.version", "2022"), spec.facts());
        assertEquals(Set.of("libmsi1", "samba-client"), spec.installedPackages());
        assertEquals(8, spec.maxConcurrentTasks());
        assertFalse(spec.enabled());
    }

    @Test
    void createErrorsNameTheShellOption() {
        assertEquals("--max-tasks: must be between 1 and 256, got 0",
                message(() -> new ServerChanges().maxTasks(0).create("px-01", "10.0.1.21")));
        assertTrue(message(() -> new ServerChanges().create("px 01", "10.0.1.21")).startsWith("NAME: 'px 01' is not a valid name"));
        assertTrue(message(() -> new ServerChanges().create("px-01", "10.0.1.300")).startsWith("--address: '10.0.1.300'"));
        assertTrue(message(() -> new ServerChanges().facts(List.of("PowerShell=5")).create("px-01", "h"))
                .startsWith("--fact: 'PowerShell' is not a valid key"));
        assertTrue(message(() -> new ServerChanges().trustedDomains(List.of("a b")).create("px-01", "h"))
                .startsWith("--trusted-domain: 'a b' is not a valid key"));
        assertTrue(message(() -> new ServerChanges().kind("cloud").create("px-01", "h")).startsWith("--kind: 'cloud'"));
    }

    @Test
    void anEmptyChangeIsEmpty() {
        assertTrue(new ServerChanges().isEmpty());
        assertTrue(new ServerChanges().networks(List.of()).facts(List.of()).isEmpty());
        assertFalse(new ServerChanges().site("").isEmpty());
        assertFalse(new ServerChanges().trustedDomains(List.of("")).isEmpty());
        assertFalse(new ServerChanges().enabled(true).isEmpty());
    }

    @Test
    void updateKeepsWhatIsNotGiven() {
        assertEquals(PX01.toBuilder().maxConcurrentTasks(8).build(), new ServerChanges().maxTasks(8).applyTo(PX01));
    }

    @Test
    void updateReplacesScalarsAndRenames() {
        ServerSpec spec = new ServerChanges().rename("px-02").address("10.0.1.22").os("windows:server:2025")
                .kind("virtual").enabled(false).applyTo(PX01);
        assertEquals("px-02", spec.name());
        assertEquals("10.0.1.22", spec.address());
        assertEquals(OsInfo.windows("server", "2025"), spec.os());
        assertEquals(MachineKind.VIRTUAL, spec.machineKind());
        assertFalse(spec.enabled());
        assertEquals(PX01.facts(), spec.facts());
    }

    @Test
    void emptySiteDomainAndTrustedDomainClearThem() {
        ServerSpec spec = new ServerChanges().site("").domain("").trustedDomains(List.of("")).applyTo(PX01);
        assertEquals(Optional.empty(), spec.site());
        assertEquals(Optional.empty(), spec.domain());
        assertEquals(Set.of(), spec.trustedDomains());
    }

    @Test
    void networkReplacesAllWhileAddAndRemoveChangeOne() {
        assertEquals(List.of(Cidr.of("192.168.0.0/16")),
                new ServerChanges().networks(List.of("192.168.0.0/16")).applyTo(PX01).networks());
        assertEquals(List.of(Cidr.of("10.0.2.0/24"), Cidr.of("10.0.3.0/24")), new ServerChanges()
                .addNetworks(List.of("10.0.3.0/24", "10.0.2.0/24")).removeNetworks(List.of("10.0.1.0/24")).applyTo(PX01)
                .networks());
    }

    @Test
    void networkCannotBeCombinedWithAddOrRemove() {
        assertTrue(message(() -> new ServerChanges().networks(List.of("10.0.9.0/24")).addNetworks(List.of("10.0.8.0/24"))
                .applyTo(PX01)).startsWith("--network: replaces all networks; do not combine"));
    }

    @Test
    void removingAnAbsentNetworkFactOrPackageNamesWhatIsThere() {
        assertEquals("--remove-network: server 'px-01' has no network '10.0.9.0/24' (it has: 10.0.1.0/24, 10.0.2.0/24)",
                message(() -> new ServerChanges().removeNetworks(List.of("10.0.9.0/24")).applyTo(PX01)));
        assertEquals("--remove-fact: server 'px-01' has no fact 'powershell.versoin' (it has: cluster, powershell.version)",
                message(() -> new ServerChanges().removeFacts(List.of("powershell.versoin")).applyTo(PX01)));
        assertEquals("--remove-package: server 'px-01' has no package 'samba' declared (it has: vss-provider)",
                message(() -> new ServerChanges().removePackages(List.of("samba")).applyTo(PX01)));
    }

    @Test
    void factsAreSetOneByOneAndRemovedByKey() {
        ServerSpec spec = new ServerChanges().facts(List.of("powershell.version=7.4", "dedup.enabled=true"))
                .removeFacts(List.of("cluster")).applyTo(PX01);
        assertEquals(Map.of("powershell.version", "7.4", "dedup.enabled", "true"), spec.facts());
    }

    @Test
    void aFactCannotBeSetAndRemovedAtOnce() {
        assertEquals("--fact: 'cluster' is both set and removed", message(() -> new ServerChanges()
                .facts(List.of("cluster=x")).removeFacts(List.of("cluster")).applyTo(PX01)));
    }

    @Test
    void packagesAreAddedAndRemoved() {
        assertEquals(Set.of("libmsi1"), new ServerChanges().packages(List.of("libmsi1"))
                .removePackages(List.of("vss-provider")).applyTo(PX01).installedPackages());
    }

    @Test
    void renameErrorsNameRename() {
        assertTrue(message(() -> new ServerChanges().rename("bad name").applyTo(PX01)).startsWith("--rename: 'bad name'"));
    }

    private static String message(org.junit.jupiter.api.function.Executable action) {
        return assertThrows(ValidationException.class, action).getMessage();
    }
}
