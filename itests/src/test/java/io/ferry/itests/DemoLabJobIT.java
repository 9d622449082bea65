package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.ferry.api.repository.ProgressListener;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.api.session.VmRestoreResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A whole job in the shipped distribution against real running VMs (issue 6): the demo lab
 * ({@code demo/lab.sh}: QEMU TCG guests with a guest agent, data disks in qcow2, vmdk and
 * vhdx) is started, its inventory imported, and the Proxmox job run twice through the
 * SessionService: the first run freezes each guest through the agent, reads the
 * point-in-time views in full and succeeds; the second reads only what the dirty bitmaps
 * mark. A VM is restored and its file system checked ({@code e2fsck -fn}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DemoLabJobIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @Inject
    @Filter(timeout = 120_000)
    protected BootFinished bootFinished;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected BundleContext bundleContext;

    @Configuration
    public Option[] config() {
        return FerryContainer.distribution(
                systemProperty("ferry.source.root").value(System.getProperty("ferry.source.root", "")));
    }

    @Test
    public void theProxmoxJobBacksUpRunningVmsThenReadsOnlyChangedBlocks() throws Exception {
        Path root = Path.of(System.getProperty("ferry.source.root")).toRealPath();
        Path labScript = root.resolve("demo/lab.sh");
        // unix socket paths are limited to 107 bytes: keep the lab directory short
        Path lab = Files.createTempDirectory(Path.of("/tmp"), "fit-lab");
        try {
            run(lab, Duration.ofMinutes(6), labScript.toString(), "start");
            String inventory = run(lab, Duration.ofMinutes(1), labScript.toString(), "inventory").strip();
            KarafShell shell = new KarafShell(sessionFactory);
            shell.ok("ferry:inventory-import " + inventory);
            SessionService sessions = awaitService(SessionService.class);

            Session first = sessions.await(sessions.start("demo-proxmox", "manual").id(), RUN_TIMEOUT);
            assertEquals(describe(first), SessionStatus.SUCCESS, first.status());
            assertTrue(describe(first), first.tasks().size() >= 3);
            for (TaskRecord task : first.tasks()) {
                assertEquals(describe(first), TaskStatus.SUCCESS, task.status());
                assertNotNull(describe(first), task.backupId());
            }
            for (GuestRecord guest : first.guests()) {
                assertTrue(describe(first), guest.executed());
                assertEquals(describe(first), "qemu-guest-agent", guest.channel());
                assertEquals(describe(first), TaskStatus.SUCCESS, guest.status());
            }

            Session second = sessions.await(sessions.start("demo-proxmox", "manual").id(), RUN_TIMEOUT);
            assertEquals(describe(second), SessionStatus.SUCCESS, second.status());
            for (TaskRecord task : second.tasks()) {
                assertTrue(describe(second), task.changeTracking() != null
                        && task.changeTracking().startsWith("dirty-bitmap:"));
                assertTrue("only changed blocks are read: " + describe(second),
                        task.readBytes() < task.sizeBytes() / 2);
            }
            String shown = shell.ok("ferry:session-show " + second.id());
            assertTrue(shown, shown.contains("dirty-bitmap"));

            String vm = second.tasks().get(0).vm();
            Path restoreDir = Files.createDirectories(lab.resolve("restore"));
            VmRestoreResult restored = sessions.restoreVm(vm, second.id(), restoreDir.toString(), false,
                    ProgressListener.NONE);
            assertEquals(second.tasks().stream().filter(t -> t.vm().equals(vm)).count(), restored.disks().size());
            try (var files = Files.list(restoreDir)) {
                for (Path disk : files.toList()) {
                    // the guest was frozen for the view: the restored ext4 is consistent
                    run(lab, Duration.ofMinutes(1), "e2fsck", "-fn", disk.toString());
                }
            }
        } finally {
            try {
                run(lab, Duration.ofMinutes(2), labScript.toString(), "destroy");
            } catch (AssertionError | IOException e) {
                System.err.println("demo lab not destroyed: " + e.getMessage());
            }
        }
    }

    private static String describe(Session s) {
        return "session " + s.id() + " " + s.status() + " " + s.message() + "\n"
                + s.tasks().stream().map(t -> "  " + t.id() + " " + t.status() + " tracking=" + t.changeTracking()
                        + " read=" + t.readBytes() + "/" + t.sizeBytes() + (t.error() == null ? "" : " error=" + t.error()))
                        .collect(Collectors.joining("\n"))
                + "\n" + s.guests().stream().map(g -> "  guest " + g.vm() + " " + g.status() + " " + g.detail())
                        .collect(Collectors.joining("\n"));
    }

    private static String run(Path lab, Duration timeout, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("FERRY_DEMO_LAB", lab.toString());
        Path log = Files.createTempFile(Path.of("/tmp"), "fit-cmd", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, UTF_8);
        Files.deleteIfExists(log);
        assertTrue(String.join(" ", command) + (done ? " failed (exit " + p.exitValue() + ")" : " timed out")
                + ":\n" + out, done && p.exitValue() == 0);
        return out;
    }

    private <T> T awaitService(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(120_000);
            assertNotNull(type.getName() + " not registered within 120 s", service);
            return service;
        } finally {
            tracker.close();
        }
    }
}
