package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.agent.AgentLostException;
import io.ferry.api.agent.AgentTasks;
import io.ferry.api.agent.DiskBackupOrder;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "Real proxies": a task whose proxy has an enrolled agent hands its data work to that
 * agent ({@link AgentTasks}), with what the job runner decided (location, pinned parent, labels);
 * other proxies' tasks stay in-process; a lost agent fails only its task, with the reason. The
 * agent here is a stand-in in this JVM with its own real data mover (the real agent processes
 * are tested in itests/AgentsIT).
 */
@Timeout(180)
class AgentTasksJobTest {

    private static final long SIZE = 3L * Images.MIB + 4096;

    @TempDir
    Path dir;

    private Lab lab;
    private final StandIn agent = new StandIn();

    /** An "agent" of px-agent: reads and writes with its own data mover, records the orders. */
    private static final class StandIn implements AgentTasks {
        final List<DiskBackupOrder> orders = new CopyOnWriteArrayList<>();
        final DataMoverImpl mover = new DataMoverImpl(1);
        final DiskSourcesImpl sources = new DiskSourcesImpl(java.time.Duration.ofSeconds(30));
        volatile boolean lost;

        @Override
        public boolean enrolled(String server) {
            return server.equals("px-agent");
        }

        @Override
        public boolean connected(String server) {
            return enrolled(server) && !lost;
        }

        @Override
        public BackupInfo backUpDisk(String server, DiskBackupOrder order, Repository repository,
                ProgressListener listener) {
            orders.add(order);
            if (lost) {
                throw new AgentLostException("the agent of " + server + " lost its connection and did not come back"
                        + " within 30 s: the lease of task " + order.taskId() + " expired");
            }
            try (DiskSource source = sources.open(order.location(), SourceOptions.defaults()
                    .withDirtyBitmap(order.dirtyBitmap()))) {
                return mover.backup(source, repository, new BackupRequest(order.disk(), source.description(),
                        source.size(), order.parent() == null, order.labels(), order.parent()), listener);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @BeforeEach
    void lab() {
        lab = new Lab(dir);
        lab.sessions.agentTasks(agent);
        lab.inventory.addServer("px-agent", 1, RoleType.GENERAL_PURPOSE_PROXY);
        lab.inventory.addServer("px-local", 1, RoleType.GENERAL_PURPOSE_PROXY);
    }

    @AfterEach
    void close() {
        lab.close();
    }

    private static JobSpec job(String name, List<String> vms, String proxy) {
        return new JobSpec(name, Platform.PROXMOX, vms, "repo-01", ServerChoice.preferred(List.of(proxy)),
                TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false);
    }

    @Test
    void aProxyWithAnAgentGetsTheOrderWithThePinnedParentAndTheOthersRunInProcess() throws Exception {
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.addVm("vm-b", lab.rawDisk("disk0", "vm-b-0.raw", SIZE, 2));
        lab.jobs.createJob(job("remote", List.of("vm-a"), "px-agent"));
        lab.jobs.createJob(job("local", List.of("vm-b"), "px-local"));

        Session first = lab.run("remote");
        Session second = lab.run("remote");
        Session local = lab.run("local");

        assertEquals(SessionStatus.SUCCESS, first.status(), first.message());
        assertEquals(SessionStatus.SUCCESS, second.status(), second.message());
        assertEquals(SessionStatus.SUCCESS, local.status(), local.message());
        assertEquals(2, agent.orders.size(), "only px-agent's tasks went to the agent: " + agent.orders);
        DiskBackupOrder full = agent.orders.get(0);
        DiskBackupOrder incremental = agent.orders.get(1);
        assertEquals("vm-a/disk0", full.disk());
        assertNull(full.parent(), "the job's first backup of the disk is a full one");
        TaskRecord firstTask = first.tasks().get(0);
        assertEquals(firstTask.backupId(), incremental.parent(), "the second run pins the job's last backup");
        assertEquals("px-agent", incremental.labels().get("proxy"));
        assertEquals(second.id(), incremental.labels().get("session"));
        assertEquals(first.id() + "/vm-a/disk0", full.taskId(), "unique on the agent across sessions");
        assertEquals(second.id() + "/vm-a/disk0", incremental.taskId());
        assertEquals(lab.restoredSha256(firstTask.backupId(), "a1.raw"),
                Images.sha256(dir.resolve("vm-a-0.raw")), "the agent's backup restores identical");
        assertEquals("px-local", local.tasks().get(0).proxy());
    }

    @Test
    void aLostAgentsTaskFailsOverToThePlansNextEligibleProxyWithANewAttempt() throws Exception {
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.jobs.createJob(new JobSpec("both", Platform.PROXMOX, List.of("vm-a"), "repo-01",
                ServerChoice.preferred(List.of("px-agent", "px-local")), TransportChoice.AUTOMATIC,
                GuestProcessing.DISABLED, false));
        agent.lost = true;

        Session s = lab.run("both");

        assertEquals(SessionStatus.WARNING, s.status(), s.message());
        assertTrue(s.message().contains("failed over from px-agent to px-local"), s.message());
        TaskRecord task = s.tasks().get(0);
        assertEquals(TaskStatus.WARNING, task.status(), "a failover is a warning: " + task);
        assertEquals("px-local", task.proxy(), "run again on the plan's next eligible proxy");
        assertTrue(task.reason().startsWith("px-local: the plan's next eligible proxy after the agent of px-agent was"
                + " lost"), task.reason());
        assertTrue(task.warnings().stream().anyMatch(w -> w.startsWith("failed over from px-agent to px-local"
                + " (attempt 2)") && w.contains("lease")), task.warnings().toString());
        assertEquals(1, agent.orders.size());
        assertEquals(1, agent.orders.get(0).attempt());
        assertEquals(lab.restoredSha256(task.backupId(), "a-failover.raw"), Images.sha256(dir.resolve("vm-a-0.raw")),
                "the failed-over backup restores identical");
    }

    @Test
    void aLostAgentFailsOnlyItsTaskWithTheReasonAndNothingIsWritten() throws Exception {
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.jobs.createJob(job("remote", List.of("vm-a"), "px-agent"));
        agent.lost = true;

        Session s = lab.run("remote");

        assertEquals(SessionStatus.FAILED, s.status(), s.message());
        TaskRecord task = s.tasks().get(0);
        assertEquals(TaskStatus.FAILED, task.status());
        assertTrue(task.error().contains("px-agent") && task.error().contains("lease"), task.error());
        assertEquals(List.of(), lab.repository().backups(), "no backup is visible");
    }
}
