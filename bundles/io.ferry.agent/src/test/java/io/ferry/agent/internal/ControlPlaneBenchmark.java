package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.AgentMessage;
import io.ferry.agent.protocol.v1.BackupDone;
import io.ferry.agent.protocol.v1.CancelTask;
import io.ferry.agent.protocol.v1.DiskBackupTask;
import io.ferry.agent.protocol.v1.ManagerMessage;
import io.ferry.agent.protocol.v1.RepositoryEndpoint;
import io.ferry.agent.protocol.v1.TaskAssignment;
import io.ferry.agent.protocol.v1.TaskRef;
import io.ferry.agent.protocol.v1.TaskResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Control-plane benchmark of issue 12 (not a test): one manager endpoint (mutual TLS on
 * 127.0.0.1, heartbeat 10 s, lease 30 s, the test CA and an in-memory registry) and N agent
 * clients in the same JVM, each with its own certificate, its own connection and a handler that
 * answers every TaskAssignment at once with a TaskResult on the same stream. Once all agents are
 * connected, M TaskAssignments (each with a small DiskBackupTask) are dispatched round-robin
 * over the agents from 4 manager threads, with at most W assignments in flight at a time (a
 * dispatcher waits for a result before it sends more) and, optionally, at most R per second (so
 * that the run spans several heartbeat rounds and latency is not only the window's queueing). Per dispatch it measures the time from
 * {@link AgentChannel#send} to the manager's {@link AgentListener#result}, and prints p50, p90,
 * p99, max, throughput and the heap.
 *
 * <p>The heap: the clients share the JVM's heap with the manager, so it prints the used heap
 * after a full GC with the manager endpoint alone (before any client), with all agents
 * connected, and at the end (still connected), plus the peak used heap sampled every 50 ms
 * during the dispatches. The figures with clients include the clients' side (their TLS
 * sessions, Netty buffers, gRPC channels), which a real manager does not carry.
 *
 * <p>Run: {@code java -cp <test classpath> io.ferry.agent.internal.ControlPlaneBenchmark [agents] [tasks]
 * [inFlight] [rate]} (default 500 agents, 30,000 tasks, 200 in flight, no rate limit); the command that builds the
 * classpath is in docs/benchmarks.md.
 */
public final class ControlPlaneBenchmark {
    private static final int DISPATCHERS = 4;
    private static final int CONNECT_BATCH = 50;
    private static final Duration CONNECT_WAIT = Duration.ofMinutes(3);
    private static final Duration RUN_WAIT = Duration.ofMinutes(10);

    private ControlPlaneBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int agents = args.length > 0 ? positive(args[0], "agents") : 500;
        int tasks = args.length > 1 ? positive(args[1], "tasks") : 30_000;
        int inFlight = args.length > 2 ? positive(args[2], "inFlight") : 200;
        int rate = args.length > 3 ? positive(args[3], "rate") : Integer.MAX_VALUE;
        Path tmp = Files.createTempDirectory("ferry-control-plane-bench");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<AgentClient> clients = new ArrayList<>();
        System.out.printf(Locale.ROOT, "Control plane: %d agents, %d tasks, %d in flight, %d dispatcher threads,"
                + " %s, max heap %d MiB, %d CPUs%n", agents, tasks, inFlight, DISPATCHERS,
                rate == Integer.MAX_VALUE ? "as fast as the window allows" : "at most " + rate + " per s",
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

        long heapBefore = usedAfterGc(memory);
        TestCa ca = new TestCa("Benchmark manager CA");
        InMemoryAgentRegistry registry = new InMemoryAgentRegistry();
        ManagerEndpoint.Settings settings = ManagerEndpoint.Settings.defaults().withPort(0)
                .withTimes(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (ManagerEndpoint endpoint = new ManagerEndpoint(settings, ca, registry).start()) {
            long heapManager = usedAfterGc(memory);

            AtomicLongArray sentAt = new AtomicLongArray(tasks);
            long[] latency = new long[tasks];
            CountDownLatch done = new CountDownLatch(tasks);
            Semaphore window = new Semaphore(inFlight);
            AtomicLong unexpected = new AtomicLong();
            AtomicBoolean closing = new AtomicBoolean();
            endpoint.addListener(new AgentListener() {
                @Override
                public void result(AgentChannel channel, TaskResult result) {
                    long now = System.nanoTime();
                    int i = Integer.parseInt(result.getTask().getTaskId().substring(2));
                    latency[i] = now - sentAt.get(i);
                    window.release();
                    done.countDown();
                }

                @Override
                public void disconnected(AgentChannel channel, String reason) {
                    if (!closing.get()) {
                        unexpected.incrementAndGet();
                        System.out.println("disconnected: " + reason);
                    }
                }
            });

            // connect the agents in batches (each probes qemu-img/nbdinfo once and makes a TLS handshake)
            long connectStart = System.nanoTime();
            for (int i = 0; i < agents; i++) {
                String server = String.format(Locale.ROOT, "px-%04d", i);
                AgentIdentity identity = ca.agent(server, endpoint.port(), tmp.resolve(server));
                registry.enrolled(server, io.ferry.pki.Fingerprints.sha256(identity.certificate()),
                        identity.certificate().getNotAfter().toInstant());
                AtomicReference<AgentClient> self = new AtomicReference<>();
                AgentClient client = new AgentClient(identity, AgentClient.Settings.defaults(tmp, "bench")
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(5)), new AnsweringHandler(self));
                self.set(client);
                clients.add(client);
                client.start();
                if ((i + 1) % CONNECT_BATCH == 0 || i + 1 == agents) {
                    awaitConnected(endpoint, i + 1);
                }
            }
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            registry.heartbeats.clear();
            long heapConnected = usedAfterGc(memory);
            System.out.printf(Locale.ROOT, "%d agents connected in %.1f s%n", agents, connectSeconds);

            List<AgentChannel> channels = new ArrayList<>();
            for (String server : endpoint.connected()) {
                channels.add(endpoint.connection(server).orElseThrow());
            }
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();

            long start = System.nanoTime();
            List<Thread> dispatchers = new ArrayList<>();
            for (int t = 0; t < DISPATCHERS; t++) {
                int first = t;
                Thread d = new Thread(() -> {
                    try {
                        long every = rate == Integer.MAX_VALUE ? 0 : DISPATCHERS * 1_000_000_000L / rate;
                        for (int i = first, k = 0; i < tasks; i += DISPATCHERS, k++) {
                            long due = start + k * every;
                            while (System.nanoTime() < due) {
                                LockSupport.parkNanos(due - System.nanoTime());
                            }
                            window.acquire();
                            ManagerMessage message = assignment(i);
                            sentAt.set(i, System.nanoTime());
                            channels.get(i % channels.size()).send(message);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "dispatcher-" + t);
                d.start();
                dispatchers.add(d);
            }
            if (!done.await(RUN_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (tasks - done.getCount()) + " of " + tasks
                        + " results within " + RUN_WAIT.toMinutes() + " min");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (Thread d : dispatchers) {
                d.join();
            }
            sampler.interrupt();
            long heapEnd = usedAfterGc(memory);

            long[] sorted = latency.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%d dispatches in %.2f s: %.0f per s%n", tasks, seconds, tasks / seconds);
            System.out.printf(Locale.ROOT, "dispatch -> result latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f%n",
                    ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
                    ms(sorted[sorted.length - 1]));
            System.out.printf(Locale.ROOT, "heap used after GC, MiB: empty JVM %.1f, manager endpoint alone %.1f,"
                    + " with %d agents connected %.1f, at the end %.1f; peak used during dispatch %.1f%n",
                    mib(heapBefore), mib(heapManager), agents, mib(heapConnected), mib(heapEnd), mib(peak.get()));
            System.out.printf(Locale.ROOT, "threads: %d live; connections ended during the run: %d%n",
                    Thread.activeCount(), unexpected.get());
            closing.set(true);
            closeAll(clients);
        } finally {
            closeAll(clients);
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The clients first (the endpoint closing first would make them all reconnect). */
    private static void closeAll(List<AgentClient> clients) {
        clients.parallelStream().forEach(AgentClient::close);
        clients.clear();
    }

    private static ManagerMessage assignment(int i) {
        return ManagerMessage.newBuilder().setAssign(TaskAssignment.newBuilder()
                .setTask(TaskRef.newBuilder().setTaskId("t-" + i).setAttempt(1))
                .setLeaseExpiresUnixMillis(System.currentTimeMillis() + 600_000)
                .setDiskBackup(DiskBackupTask.newBuilder()
                        .setLocation("nbd+unix:///scsi0-0?socket=/run/ferry/fleece/vm-" + i + ".sock")
                        .setDirtyBitmap("ferry-" + i)
                        .setChainKey("vm-" + i + "/scsi0:0")
                        .putLabels("job", "bench")
                        .setRepository(RepositoryEndpoint.newBuilder().setAddress("127.0.0.1:8143")
                                .setRepository("repo-01")))).build();
    }

    /** Answers every assignment at once with a BackupDone on the same stream. */
    private static final class AnsweringHandler implements ManagerMessageHandler {
        private final AtomicReference<AgentClient> client;

        AnsweringHandler(AtomicReference<AgentClient> client) {
            this.client = client;
        }

        @Override
        public void assigned(TaskAssignment assignment) {
            client.get().send(AgentMessage.newBuilder().setResult(TaskResult.newBuilder()
                    .setTask(assignment.getTask())
                    .setBackup(BackupDone.newBuilder().setBackupId("b-" + assignment.getTask().getTaskId())
                            .setSize(1L << 30).setReadBytes(1L << 30))).build());
        }

        @Override
        public void cancelled(CancelTask cancel) {
        }

        @Override
        public List<TaskRef> running() {
            return List.of();
        }
    }

    private static void awaitConnected(ManagerEndpoint endpoint, int count) throws InterruptedException {
        long end = System.nanoTime() + CONNECT_WAIT.toNanos();
        while (endpoint.connected().size() < count) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + endpoint.connected().size() + " of " + count
                        + " agents connected within " + CONNECT_WAIT.toMinutes() + " min");
            }
            Thread.sleep(20);
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static int positive(String text, String what) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(what + " must be a positive number, not '" + text + "'");
    }
}
