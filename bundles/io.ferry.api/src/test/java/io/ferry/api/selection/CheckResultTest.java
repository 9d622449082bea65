package io.ferry.api.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.RoleType;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckResultTest {

    @Test
    void aPluginBuiltFor10StillMakesErrors() {
        CheckResult old = new CheckResult("acme-host-integration", false, "no access", "zone it", "");
        assertEquals(Severity.ERROR, old.severity());
        assertTrue(old.failed());
        assertEquals(Severity.ERROR, CheckResult.fail("c", "d", "f", "").severity());
        assertEquals(Severity.ERROR, CheckResult.ok("c", "d", "").severity());
        assertFalse(CheckResult.ok("c", "d", "").failed());
    }

    @Test
    void unmetWarningsAndInformationAreNotFailures() {
        CheckResult warning = CheckResult.warning("server-enabled", "disabled", "enable it", "");
        CheckResult info = CheckResult.info("storage-snapshot-integration-needs-windows", "linux", "nothing", "");
        assertEquals(Severity.WARNING, warning.severity());
        assertEquals(Severity.INFO, info.severity());
        assertFalse(warning.ok() || info.ok());
        assertFalse(warning.failed() || info.failed());
    }

    @Test
    void aServerIsReadyUnlessAnErrorIsNotMet() {
        CheckResult info = CheckResult.info("storage-snapshot-integration-needs-windows", "linux", "nothing", "");
        CheckResult warning = CheckResult.warning("server-enabled", "disabled", "enable it", "");
        assertTrue(new ReadinessReport("gp-01", RoleType.GENERAL_PURPOSE_PROXY, List.of(info, warning)).ready());
        assertFalse(new ReadinessReport("gp-01", RoleType.GENERAL_PURPOSE_PROXY, List.of(info,
                CheckResult.fail("os", "solaris", "use linux", ""))).ready());
    }

    @Test
    void withSeverityKeepsEverythingElse() {
        CheckResult ok = CheckResult.ok("storage-snapshot-integration-needs-windows", "windows", "002.txt")
                .withSeverity(Severity.INFO);
        assertEquals(new CheckResult("storage-snapshot-integration-needs-windows", true, "windows", "", "002.txt",
                Severity.INFO), ok);
        assertThrows(NullPointerException.class, () -> ok.withSeverity(null));
    }
}
