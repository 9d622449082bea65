package io.ferry.jobs.internal;

import io.ferry.api.agent.AgentTasks;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.job.JobService;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.session.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What every session run uses; one instance per job runner.
 *
 * @param jobs             job definitions (retention: which jobs share a repository)
 * @param inventory        VMs, their disks, proxies' task slots
 * @param store            where sessions, tasks, guest records and the ledger are persisted
 * @param sources          opens disk sources
 * @param mover            backs disks up
 * @param repositories     the jobs' repositories
 * @param slots            the proxies' task slots, shared by all runs
 * @param vmLocks          which session processes which VM, shared by all runs
 * @param guestStage       guest processing and point-in-time views per VM
 * @param events           where events go
 * @param executor         runs the tasks (one thread per held slot) and the runs' bookkeeping
 * @param clock            time of records
 * @param progressInterval least time between two PROGRESS events of one task
 * @param agents           the agents of the proxies (null while no agent service is there: everything runs in-process)
 */
record RunServices(JobService jobs, InventoryService inventory, SessionStore store, DiskSources sources,
        DataMover mover, JobRepositories repositories, TaskSlots slots, VmLocks vmLocks, GuestStage guestStage,
        SessionEventSink events, Executor executor, Clock clock, Duration progressInterval,
        Supplier<AgentTasks> agents) {

    RunServices {
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(mover, "mover");
        Objects.requireNonNull(repositories, "repositories");
        Objects.requireNonNull(slots, "slots");
        Objects.requireNonNull(vmLocks, "vmLocks");
        Objects.requireNonNull(guestStage, "guestStage");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(progressInterval, "progressInterval");
        Objects.requireNonNull(agents, "agents");
    }
}
