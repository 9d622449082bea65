package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QMP and guest agent clients against a real QEMU (TCG) running the test guest with
 * qemu-ga. Only the guest's /data is ever frozen, never the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestAgentAndQmpClientTest {

    private QemuVm vm;

    @BeforeAll
    void boot(@TempDir Path dir) {
        QemuVm.Guest guest = QemuVm.Guest.build(dir.resolve("guest"));
        vm = QemuVm.boot(guest, QemuVm.createDataDisk(dir.resolve("disk"), 64), dir.resolve("vm"));
        System.out.printf("QEMU %s (TCG): boot to first guest-ping %d ms%n", vm.qmp().qemuVersion(),
                vm.bootToPing().toMillis());
    }

    @AfterAll
    void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void agentReportsItsVersionCommandsAndTheGuestDataFilesystem() {
        GuestAgentClient agent = vm.agent();
        agent.ping();
        GuestInfo info = agent.info();
        String hostAgent = HostCommand.run(Duration.ofSeconds(10), "qemu-ga", "--version").requireSuccess().out();
        assertTrue(hostAgent.contains(info.version()), "the guest runs the host's qemu-ga " + hostAgent + ", not " + info);
        assertTrue(info.supports("guest-fsfreeze-freeze") && info.supports("guest-exec"), info.toString());
        assertEquals(FreezeStatus.THAWED, agent.freezeStatus());
        GuestFilesystem data = agent.filesystems().stream().filter(f -> f.mountpoint().equals("/data")).findFirst()
                .orElseThrow(() -> new AssertionError("no /data in " + agent.filesystems()));
        assertEquals("ext4", data.type());
        assertEquals(List.of("/dev/vda"), data.devices());
    }

    @Test
    void freezeFreezesTheGuestUntilClosed() {
        GuestAgentClient agent = vm.agent();
        GuestAgentClient.Frozen frozen = agent.freeze();
        try (frozen) {
            assertEquals(1, frozen.filesystems(), "only /data is freezable in the test guest");
            assertEquals(FreezeStatus.FROZEN, agent.freezeStatus());
            QmpException refused = assertThrows(QmpException.class, () -> agent.shell("true", Duration.ofSeconds(10)));
            assertEquals("CommandNotFound", refused.errorClass(), "a frozen agent disables guest-exec: " + refused);
            assertThrows(QmpException.class, () -> agent.freeze(), "no second freeze while frozen");
        }
        System.out.printf("guest frozen for %d ms (freeze, two refused commands, thaw)%n", frozen.frozenFor().toMillis());
        assertTrue(frozen.thawed());
        assertEquals(FreezeStatus.THAWED, agent.freezeStatus());
        assertEquals("written after thaw\n", vm.sh("echo 'written after thaw' > /data/thawed.txt && cat /data/thawed.txt"));
    }

    @Test
    void anExceptionInsideTheFrozenBlockStillThawsTheGuest() {
        GuestAgentClient agent = vm.agent();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (GuestAgentClient.Frozen frozen = agent.freeze()) {
                assertEquals(FreezeStatus.FROZEN, agent.freezeStatus());
                throw new IllegalStateException("the backup failed while the guest was frozen");
            }
        });
        assertEquals(0, e.getSuppressed().length, "the thaw worked, nothing suppressed");
        assertEquals(FreezeStatus.THAWED, agent.freezeStatus());
    }

    /** issue 10 point 5: a job stopped with shutdownNow interrupts the thread that holds the guest frozen. */
    @Test
    void anInterruptedThreadStillThawsTheGuestAndKeepsItsInterruptStatus() throws Exception {
        GuestAgentClient agent = vm.agent();
        ExecutorService backup = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> stillInterrupted = backup.submit(() -> {
                GuestAgentClient.Frozen frozen = agent.freeze();
                assertEquals(FreezeStatus.FROZEN, agent.freezeStatus());
                Thread.currentThread().interrupt(); // as shutdownNow does while the views are being taken
                frozen.close();
                assertTrue(frozen.thawed());
                return Thread.interrupted();
            });
            assertTrue(stillInterrupted.get(120, TimeUnit.SECONDS), "the caller's interrupt status is kept for it");
        } finally {
            backup.shutdownNow();
        }
        assertEquals(FreezeStatus.THAWED, agent.freezeStatus());
    }

    @Test
    void anInterruptWhileTheFreezeIsUnderWayStillEndsThawed() throws Exception {
        GuestAgentClient agent = vm.agent();
        vm.sh("echo 3 > /run/slow-freeze"); // the guest's fsfreeze hook now takes 3 s, then the agent freezes
        ExecutorService backup = Executors.newSingleThreadExecutor();
        try {
            Future<RuntimeException> failure = backup.submit(() -> {
                try {
                    agent.freeze(Duration.ofSeconds(60)).close();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            Thread.sleep(1_000); // the freeze was sent; the guest's hook is running
            backup.shutdownNow(); // interrupts the thread waiting for the freeze's reply
            RuntimeException e = failure.get(120, TimeUnit.SECONDS);
            assertTrue(e instanceof QemuChannelException && e.getMessage().contains("interrupted"), String.valueOf(e));
            assertEquals(0, e.getSuppressed().length, "the thaw after the unknown outcome worked");
        } finally {
            backup.shutdownNow();
            vm.sh("rm -f /run/slow-freeze");
        }
        assertEquals(FreezeStatus.THAWED, agent.freezeStatus(), "the freeze went through in the guest, then the thaw");
    }

    @Test
    void aFreezeThatTimesOutLeavesTheGuestThawed() {
        GuestAgentClient agent = vm.agent();
        vm.sh("echo 3 > /run/slow-freeze"); // the guest's fsfreeze hook now takes 3 s, then the agent freezes
        try {
            assertThrows(QemuTimeoutException.class, () -> agent.freeze(Duration.ofMillis(500)));
            assertEquals(FreezeStatus.THAWED, agent.freezeStatus(), "the client thawed after the freeze went through");
        } finally {
            vm.sh("rm -f /run/slow-freeze");
        }
    }

    @Test
    void theLateReplyOfATimedOutCommandIsNotTakenForTheNextOne() {
        GuestAgentClient agent = vm.agent();
        agent.ping();
        vm.suspendProcess();
        try {
            assertThrows(QemuTimeoutException.class, () -> agent.execute("guest-info", Map.of(), Duration.ofMillis(300)));
        } finally {
            vm.resumeProcess();
        }
        // without resynchronisation this would read guest-info's late reply
        assertEquals(FreezeStatus.THAWED, agent.freezeStatus());
        GuestExecResult r = agent.shell("echo out; echo err >&2; exit 3", Duration.ofSeconds(30));
        assertEquals(OptionalInt.of(3), r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
    }

    @Test
    void qmpErrorsCarryQemusErrorClassAndTheCommand() {
        QmpException e = assertThrows(QmpException.class, () -> vm.qmp().execute("no-such-command"));
        assertEquals("CommandNotFound", e.errorClass());
        assertEquals("no-such-command", e.command());
        assertTrue(e.getMessage().contains("no-such-command") && e.getMessage().contains("CommandNotFound"), e.getMessage());
        QmpException missing = assertThrows(QmpException.class, () -> vm.qmp().execute("block-dirty-bitmap-remove",
                Map.of("node", QemuVm.DISK_NODE, "name", "no-such-bitmap")));
        assertTrue(missing.description().contains("no-such-bitmap"), missing.getMessage());
        // the connection is still usable after errors
        Map<String, Object> status = Json.object(vm.qmp().execute("query-status"), "query-status");
        assertEquals("running", status.get("status"));
    }

    @Test
    void aThawThatFailsTwiceIsReportedLoudly() {
        GuestAgentClient agent = vm.agent();
        GuestAgentClient.Frozen frozen = agent.freeze();
        agent.close(); // the connection is gone, so both thaw attempts fail
        GuestStillFrozenException e = assertThrows(GuestStillFrozenException.class, frozen::close);
        assertTrue(e.getMessage().contains("FROZEN") && e.getMessage().contains(vm.agentSocket().toString()), e.getMessage());
        assertEquals(1, e.getCause().getSuppressed().length, "the first attempt's failure is kept");

        GuestAgentClient again = vm.reconnectAgent();
        assertEquals(FreezeStatus.FROZEN, again.freezeStatus(), "really still frozen");
        assertEquals(1, again.thaw());
        assertEquals(FreezeStatus.THAWED, again.freezeStatus());
    }

    @Test
    void aLateQmpReplyIsDroppedAndConcurrentCallersGetTheirOwnReplies() throws Exception {
        QmpClient qmp = vm.qmp();
        vm.suspendProcess();
        try {
            assertThrows(QemuTimeoutException.class, () -> qmp.execute("query-version", Map.of(), Duration.ofMillis(300)));
        } finally {
            vm.resumeProcess();
        }
        assertEquals("running", Json.object(qmp.execute("query-status"), "query-status").get("status"),
                "not query-version's late reply");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> status = pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    assertTrue(Json.object(qmp.execute("query-status"), "query-status").containsKey("status"));
                }
            });
            Future<?> version = pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    assertTrue(Json.object(qmp.execute("query-version"), "query-version").containsKey("qemu"));
                }
            });
            status.get(60, TimeUnit.SECONDS);
            version.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void qmpEventsAreCollectedAndAwaited() {
        QmpClient qmp = vm.qmp();
        qmp.execute("stop");
        try {
            QmpEvent stop = qmp.awaitEvent("STOP", e -> true, Duration.ofSeconds(10));
            assertEquals("STOP", stop.name());
        } finally {
            qmp.execute("cont");
        }
        qmp.awaitEvent("RESUME", e -> true, Duration.ofSeconds(10));
        assertThrows(QemuTimeoutException.class, () -> qmp.awaitEvent("STOP", e -> true, Duration.ofMillis(200)),
                "each event is taken once");
        vm.agent().ping();
    }
}
