package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.Severity;
import io.ferry.selection.internal.TestPlugins.Check;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ferry:check (seed 001 for the guest interaction requirements). */
class ReadinessCheckerTest {

    private static List<ReadinessReport> check(Lab lab, PluginSet plugins) {
        InventorySnapshot snapshot = lab.snapshot();
        return ReadinessChecker.check(snapshot.servers(), snapshot, plugins);
    }

    @Test
    @DisplayName("seed 001: a Rocky 9 server without the packages fails the guest interaction check, with the fix")
    void rocky9WithoutPackages() {
        Lab lab = new Lab().server("rocky-01", b -> b.os(OsInfo.linux("rocky", "9.3")).installedPackages(List.of("libmsi1")));
        ReadinessReport r = check(lab, PluginSet.EMPTY).get(0);
        assertEquals(RoleType.GUEST_INTERACTION, r.role());
        assertFalse(r.ready());
        CheckResult packages = r.results().get(1);
        assertEquals(CheckResult.fail(CoreRules.RHEL9_GUEST_INTERACTION_PACKAGES,
                "linux:rocky:9.3 without samba-client, samba-common-tools",
                "install them on the server and declare them: ferry:server-update --package samba-client"
                        + " --package samba-common-tools rocky-01", Seeds.GUEST_INTERACTION), packages);
    }

    @Test
    @DisplayName("seed 001: RHEL 8 and Windows need no packages; a disabled server is a warning on 'server-enabled'")
    void otherSystemsNeedNoPackages() {
        Lab lab = new Lab().server("rhel-8", b -> b.os(OsInfo.linux("rhel", "8.9")))
                .server("win", b -> b.os(Lab.WINDOWS).enabled(false));
        List<ReadinessReport> reports = check(lab, PluginSet.EMPTY);
        assertTrue(reports.get(0).ready());
        assertTrue(reports.get(0).results().get(1).detail().startsWith("not needed on linux:rhel:8.9"));
        CheckResult enabled = reports.get(1).results().get(0);
        assertEquals(CheckResult.warning(CoreRules.SERVER_ENABLED, "disabled: never chosen as guest interaction proxy",
                "enable it: ferry:server-update --enable win", ""), enabled);
        assertTrue(reports.get(1).ready(), "disabling a server is the operator's choice, not a failed requirement");
    }

    @Test
    @DisplayName("seed 001: missing RHEL 9 packages are an error, a plugin's warning or information is not")
    void onlyErrorsMakeAServerNotReady() {
        PluginSet plugins = PluginSet.builder()
                .check(new Check("gp", RoleType.GENERAL_PURPOSE_PROXY, (s, inv) -> List.of(
                        CheckResult.info("storage-snapshot-integration-needs-windows", "linux", "nothing to do", "002"),
                        CheckResult.warning("some-hosts-only", "serves some hosts", "add a proxy", ""))))
                .check(new Check("old-plugin", RoleType.REPOSITORY, (s, inv) -> List.of(
                        new CheckResult("built-for-api-1.0", false, "unmet", "fix it", ""))))
                .build();
        Lab lab = new Lab().server("rocky-01", b -> b.os(OsInfo.linux("rocky", "9.3")), RoleType.GENERAL_PURPOSE_PROXY,
                RoleType.REPOSITORY);
        List<ReadinessReport> reports = check(lab, plugins);
        ReadinessReport gp = reports.stream().filter(r -> r.role() == RoleType.GENERAL_PURPOSE_PROXY).findFirst()
                .orElseThrow();
        ReadinessReport guest = reports.stream().filter(r -> r.role() == RoleType.GUEST_INTERACTION).findFirst()
                .orElseThrow();
        ReadinessReport repository = reports.stream().filter(r -> r.role() == RoleType.REPOSITORY).findFirst()
                .orElseThrow();
        assertTrue(gp.ready(), gp.toString());
        assertFalse(guest.ready(), "RHEL 9 packages missing: " + guest);
        assertEquals(Severity.ERROR, guest.results().get(1).severity());
        assertFalse(repository.ready(), "a result made with the 1.0 constructor is an error: " + repository);
    }

    @Test
    @DisplayName("plugin checks run for their role only; one that throws is a failed result naming the defect")
    void pluginChecksRunForTheirRole() {
        PluginSet plugins = PluginSet.builder()
                .check(new Check("offhost", RoleType.HYPERV_OFFHOST_PROXY, (s, inv) -> List.of(
                        CheckResult.fail("offhost-physical", "virtual machine", "use a physical server", "004"))))
                .check(new Check("broken", RoleType.HYPERV_OFFHOST_PROXY, (s, inv) -> {
                    throw new IllegalStateException("oops");
                }))
                .build();
        Lab lab = new Lab().windows("px", "10.0.0.0/24", RoleType.HYPERV_OFFHOST_PROXY, RoleType.REPOSITORY);
        List<ReadinessReport> reports = check(lab, plugins);
        assertEquals(List.of(RoleType.HYPERV_OFFHOST_PROXY, RoleType.GUEST_INTERACTION, RoleType.REPOSITORY),
                reports.stream().map(ReadinessReport::role).toList());
        List<CheckResult> offhost = reports.get(0).results();
        assertEquals(List.of("broken", "offhost-physical"), offhost.stream().map(CheckResult::check).toList());
        assertTrue(offhost.get(0).detail().contains("IllegalStateException: oops"));
        assertEquals(List.of(CheckResult.ok("requirements", "no requirements registered", "")),
                reports.get(2).results());
    }
}
