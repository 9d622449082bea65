package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.ferry.itests.AgentInstalls.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Issue "Real proxies", guest processing on the guest interaction proxy's agent (seed 001:
 * 001_7a67f23d89d19bc8.txt): the demo lab's running QEMU VMs ({@code demo/lab.sh}, guest
 * agents on unix sockets), a manager and the agent of the Proxmox job's guest interaction
 * proxy gi-lin-01 as separate processes. The manager freezes each guest through a guest
 * channel that gi-lin-01's agent opens to the guest agent's socket; with that agent stopped,
 * the backup server takes over the guest processing and says so, and no guest stays frozen.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class GuestProxyAgentIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final List<String> VMS = List.of("pve-web-01", "pve-db-01", "pve-files-01");

    private static DemoLab lab;
    private static UnpackedDistribution manager;
    private static AgentInstalls installs;

    @BeforeClass
    public static void startLabManagerAndAgent() throws Exception {
        lab = DemoLab.start();
        Path work = Path.of("target", "guest-proxy-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        manager = UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), work.resolve("manager"));
        Path paths = manager.home().resolve("etc/io.ferry.paths.cfg");
        UnpackedDistribution.setProperty(paths, "disk.roots", "${karaf.data}/ferry/disks, " + lab.dir());
        UnpackedDistribution.setProperty(paths, "socket.roots", "${karaf.data}/ferry, " + lab.dir());
        UnpackedDistribution.setProperty(paths, "transfer.roots", "${karaf.data}/ferry/transfer, " + lab.dir());
        String port = Files.readAllLines(manager.home().resolve("etc/io.ferry.agent.manager.cfg"), UTF_8).stream()
                .map(String::strip).filter(l -> l.startsWith("port")).map(l -> l.substring(l.indexOf('=') + 1).strip())
                .findFirst().orElse("8143");
        installs = new AgentInstalls(manager, work, work.resolve("agents"), "127.0.0.1:" + port);
        manager.start();
        manager.awaitClient("ferry:server-list", BOOT_TIMEOUT);
        manager.ok("ferry:inventory-import " + lab.inventory());

        Result enrolled = installs.enroll(installs.token("gi-lin-01"));
        assertEquals(enrolled.output(), 0, enrolled.exitCode());
        // the agent connects only to sockets inside its own socket.roots: the lab's guest agents
        UnpackedDistribution.setProperty(installs.home("gi-lin-01").resolve("etc/io.ferry.paths.cfg"), "socket.roots",
                "${karaf.data}/ferry, " + lab.dir());
        Result start = installs.ferry(List.of("agent", "start", "gi-lin-01"), Duration.ofMinutes(3));
        assertEquals(start.output(), 0, start.exitCode());
    }

    @AfterClass
    public static void stopAll() throws Exception {
        if (installs != null) {
            installs.ferry(List.of("agent", "stop"), Duration.ofMinutes(2));
        }
        if (manager != null) {
            manager.stopOrKill();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    public void t1_theGuestInteractionProxysAgentReachesTheGuestsForTheFreeze() throws Exception {
        Map<String, Object> session = Json.object(Json.parse(manager.ok("ferry:job-run --json demo-proxmox")));
        assertEquals(String.valueOf(session), "SUCCESS", session.get("status"));
        List<Map<String, Object>> guests = Json.objects(session.get("guests"));
        assertEquals(String.valueOf(session), VMS.size(), guests.size());
        for (Map<String, Object> guest : guests) {
            assertEquals(String.valueOf(guest), "SUCCESS", guest.get("status"));
            assertEquals(String.valueOf(guest), "gi-lin-01", guest.get("proxy"));
            Path socket = lab.agentSocket(String.valueOf(guest.get("vm")));
            assertTrue(String.valueOf(guest), String.valueOf(guest.get("detail")).contains("froze the guest's file"
                    + " systems through the guest agent at " + socket + " through the agent of gi-lin-01"));
        }
        String log = Files.readString(installs.home("gi-lin-01").resolve("data/log/karaf.log"), UTF_8);
        for (String vm : VMS) {
            assertTrue("the agent of gi-lin-01 connected to the guest agent of " + vm + ":\n" + log,
                    log.contains("to " + lab.agentSocket(vm) + " opened for the manager"));
            assertEquals(vm, "thawed", DemoLab.freezeStatus(lab.agentSocket(vm)));
        }
    }

    @Test
    public void t2_withTheProxysAgentStoppedTheBackupServerTakesOver() throws Exception {
        Result stop = installs.ferry(List.of("agent", "stop", "gi-lin-01"), Duration.ofMinutes(2));
        assertEquals(stop.output(), 0, stop.exitCode());
        Map<String, Object> session = Json.object(Json.parse(manager.ok("ferry:job-run --json demo-proxmox")));
        assertEquals(String.valueOf(session), "WARNING", session.get("status"));
        for (Map<String, Object> task : Json.objects(session.get("tasks"))) {
            assertEquals(String.valueOf(task), "SUCCESS", task.get("status"));
        }
        for (Map<String, Object> guest : Json.objects(session.get("guests"))) {
            String detail = String.valueOf(guest.get("detail"));
            assertEquals(String.valueOf(guest), "WARNING", guest.get("status"));
            assertEquals(String.valueOf(guest), "bkp-01", guest.get("proxy"));
            assertTrue(detail, detail.startsWith("guest interaction proxy gi-lin-01 could not process the guest (the"
                    + " guest agent at " + lab.agentSocket(String.valueOf(guest.get("vm"))) + " cannot be reached"
                    + " through the Ferry agent of gi-lin-01: the agent of gi-lin-01 is not connected); the backup"
                    + " server bkp-01 took over (seed 001): froze the guest's file systems"));
            assertTrue(((Number) guest.get("frozenMillis")).longValue() > 0);
        }
        for (String vm : VMS) {
            assertEquals(vm, "thawed", DemoLab.freezeStatus(lab.agentSocket(vm)));
        }
    }
}
