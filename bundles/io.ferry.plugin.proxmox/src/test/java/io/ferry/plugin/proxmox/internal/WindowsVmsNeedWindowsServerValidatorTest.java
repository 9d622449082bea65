package io.ferry.plugin.proxmox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Platform;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WindowsVmsNeedWindowsServerValidatorTest {

    private final ProxmoxLab lab = new ProxmoxLab();
    private final WindowsVmsNeedWindowsServerValidator validator = new WindowsVmsNeedWindowsServerValidator();

    private static JobSpec job(List<String> vms) {
        return JobSpec.of("pve-daily", Platform.PROXMOX, vms, "bs");
    }

    private static JobSpec jobPreferring(List<String> vms, List<String> guestProxies) {
        return new JobSpec("pve-daily", Platform.PROXMOX, vms, "bs", ServerChoice.AUTOMATIC, TransportChoice.AUTOMATIC,
                new GuestProcessing(true, true, false, ServerChoice.preferred(guestProxies)), false);
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: the validator is named windows-vms-need-windows-server and checks Proxmox VE jobs")
    void nameAndPlatform() {
        assertEquals("windows-vms-need-windows-server", validator.name());
        assertEquals(Optional.of(Platform.PROXMOX), validator.platform());
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: a Proxmox job with Windows VMs and only Linux servers names the seed's reason")
    void windowsVmsWithOnlyLinuxServers() {
        List<String> problems = validator.problems(job(List.of("lnx-01", "win-01", "win-02")), lab.snapshot());
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("Job 'pve-daily' backs up Windows VMs (win-01, win-02), but the backup infrastructure has no"
                + " Microsoft Windows server. Linux-based proxies cannot access Windows guest OSes: add at least one"
                + " Microsoft Windows server to the backup infrastructure (ferry:server-add --os windows:server:2022"
                + " --address ADDRESS NAME) (seed 000_6fa5d5cd4044af24.txt).", problems.get(0));
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: one Windows server in the infrastructure is enough; Linux-only scopes need none")
    void satisfied() {
        assertEquals(List.of(), validator.problems(job(List.of("lnx-01")), lab.snapshot()));
        lab.server(ProxmoxLab.windows("win-gip").build());
        assertEquals(List.of(), validator.problems(job(List.of("win-01", "lnx-01")), lab.snapshot()));
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: disabled Windows servers do not count")
    void onlyDisabledWindowsServers() {
        lab.server(ProxmoxLab.windows("win-gip").enabled(false).build());
        List<String> problems = validator.problems(job(List.of("win-01")), lab.snapshot());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("every Microsoft Windows server of the backup infrastructure (win-gip) is"
                + " disabled. Linux-based proxies cannot access Windows guest OSes: enable one (ferry:server-update"
                + " --enable win-gip)"), problems.get(0));
    }

    @Test
    @DisplayName("seed 000_6fa5d5cd4044af24.txt: a preferred guest interaction proxy list without a Windows server is a problem")
    void preferredListWithoutWindowsServer() {
        lab.server(ProxmoxLab.windows("win-gip").build());
        List<String> problems = validator.problems(jobPreferring(List.of("win-01"), List.of("lnx-px", "bs")),
                lab.snapshot());
        assertEquals(List.of("Job 'pve-daily' backs up Windows VMs (win-01), but its preferred guest interaction"
                + " proxies (lnx-px, bs) include no Microsoft Windows server. Linux-based proxies cannot access Windows"
                + " guest OSes: add a Microsoft Windows server to the list, or choose the guest interaction proxy"
                + " automatically (seed 000_6fa5d5cd4044af24.txt)."), problems);
        assertEquals(List.of(), validator.problems(jobPreferring(List.of("win-01"), List.of("lnx-px", "win-gip")),
                lab.snapshot()));
    }
}
