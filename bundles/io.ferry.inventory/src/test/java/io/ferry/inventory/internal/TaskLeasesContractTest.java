package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.agent.StaleAttemptException;
import io.ferry.api.agent.TaskAttempt;
import io.ferry.api.agent.TaskLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Task leases in the catalog, run against each real database by the subclasses. */
abstract class TaskLeasesContractTest {
    private static final Instant T0 = Instant.parse("2026-12-06T21:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private InventoryDatabase database;
    private TestClock clock;
    private JdbcTaskLeases leases;
    private JdbcAgentRegistry agents;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        TestDatabases.Db db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        JdbcInventoryService inventory = new JdbcInventoryService(database);
        clock = new TestClock(T0);
        leases = new JdbcTaskLeases(database, clock, LEASE);
        agents = new JdbcAgentRegistry(database, new JdbcAuditLog(database), clock);
        for (int i = 1; i <= 3; i++) {
            inventory.addServer(InventoryFixtures.linux("px-0" + i, "10.0.0." + i).build());
            agents.enrolled("px-0" + i, Integer.toHexString(0xa0 + i).repeat(32), T0.plus(Duration.ofDays(90)));
        }
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private void heartbeat(String server) {
        agents.heartbeat(server, "127.0.0.1:1", AgentRegistryContractTest.CAPS, 0, clock.instant());
    }

    private static TaskAttempt task(String id, int attempt) {
        return new TaskAttempt("s-1", id, attempt);
    }

    @Test
    void anOfferedTaskGoesToItsMostPreferredLiveCandidate() {
        leases.offer(task("vm1/disk0", 1), List.of("px-01", "px-02"));
        heartbeat("px-01");
        assertEquals(List.of(), leases.claim("px-02", 10), "px-01 is live and preferred");
        assertEquals(List.of(), leases.claim("px-03", 10), "px-03 is not a candidate");
        List<TaskLease> got = leases.claim("px-01", 10);
        assertEquals(List.of(new TaskLease(task("vm1/disk0", 1), "px-01", T0.plus(LEASE), List.of("px-01", "px-02"))),
                got);

        leases.offer(task("vm2/disk0", 1), List.of("px-01", "px-02"));
        clock.advance(LEASE.plusSeconds(1)); // px-01's last heartbeat is too old: it is not live
        assertEquals(List.of(task("vm2/disk0", 1)), leases.claim("px-02", 10).stream().map(TaskLease::attempt)
                .toList());
    }

    @Test
    void concurrentClaimersNeverGetTheSameTask() throws Exception {
        int tasks = 60;
        for (int i = 0; i < tasks; i++) {
            leases.offer(task("t" + i, 1), List.of("px-01", "px-02", "px-03"));
        }
        List<String> claimers = List.of("px-01", "px-02", "px-03", "px-01", "px-02", "px-03");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(claimers.size());
        try {
            List<Future<List<TaskLease>>> results = new ArrayList<>();
            for (String server : claimers) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<TaskLease> mine = new ArrayList<>();
                    for (int round = 0; round < 20; round++) {
                        mine.addAll(leases.claim(server, 3));
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<TaskLease>> f : results) {
                f.get(120, TimeUnit.SECONDS).forEach(l -> all.add(l.attempt().taskId()));
            }
            Set<String> distinct = new HashSet<>(all);
            assertEquals(all.size(), distinct.size(), "a task was claimed twice: " + all);
            assertEquals(tasks, distinct.size(), "every task was claimed");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void renewalsExtendTheLeasesOfTheHolderOnly() {
        leases.offer(task("a", 1), List.of("px-01"));
        leases.offer(task("b", 1), List.of("px-02"));
        leases.claim("px-01", 5);
        leases.claim("px-02", 5);
        clock.advance(Duration.ofSeconds(20));
        List<TaskLease> renewed = leases.renew("px-01");
        assertEquals(List.of(new TaskLease(task("a", 1), "px-01", T0.plusSeconds(50), List.of("px-01"))), renewed);
        clock.advance(Duration.ofSeconds(15)); // 35 s: px-02's lease ran out, px-01's was extended to 50 s
        assertEquals(List.of(task("b", 1)), leases.expire().stream().map(TaskLease::attempt).toList());
        assertTrue(leases.complete(task("a", 1), "px-01"));
        assertEquals(List.of(), leases.renew("px-02"), "an expired lease is not renewed");
    }

    @Test
    void anExpiredLeaseIsReturnedOnceAndItsResultRefused() throws Exception {
        leases.offer(task("a", 1), List.of("px-01", "px-02"));
        leases.claim("px-01", 1);
        clock.advance(Duration.ofSeconds(29));
        assertEquals(List.of(), leases.expire());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(List.of(), leases.renew("px-01"), "a lease past its time is not renewed");

        // two manager nodes expiring at once: the lease comes back once
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<TaskLease>>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return leases.expire();
                }));
            }
            start.countDown();
            List<TaskLease> expired = new ArrayList<>();
            for (Future<List<TaskLease>> f : runs) {
                expired.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(List.of(new TaskLease(task("a", 1), "px-01", T0.plusSeconds(30), List.of("px-01", "px-02"))),
                    expired);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), leases.expire());
        StaleAttemptException late = assertThrows(StaleAttemptException.class,
                () -> leases.complete(task("a", 1), "px-01"));
        assertEquals("The result of task s-1/a#1 from server 'px-01' was discarded: its lease ran out at"
                + " 2026-12-06T21:00:30Z (the agent's heartbeats did not renew it)", late.getMessage());
    }

    @Test
    void resultsAreIdempotentPerAttemptAndAStaleAttemptIsRefused() {
        leases.offer(task("a", 1), List.of("px-01", "px-02"));
        leases.claim("px-01", 1);
        clock.advance(Duration.ofSeconds(31));
        leases.expire();
        leases.offer(task("a", 2), List.of("px-02"));
        assertEquals("px-02", leases.claim("px-02", 1).get(0).server());

        StaleAttemptException stale = assertThrows(StaleAttemptException.class,
                () -> leases.complete(task("a", 1), "px-01"));
        assertEquals("The result of task s-1/a#1 is stale: the task is at attempt 2 now; it was discarded",
                stale.getMessage());
        assertThrows(StaleAttemptException.class, () -> leases.complete(task("a", 2), "px-01"),
                "px-02 holds attempt 2");
        assertTrue(leases.complete(task("a", 2), "px-02"));
        assertFalse(leases.complete(task("a", 2), "px-02"), "the same result again changes nothing");
        assertEquals(List.of(), leases.claim("px-02", 5), "a done task is not offered again");

        assertEquals("Task a of session s-1 is at attempt 2 already; attempt 1 cannot be offered again",
                assertThrows(ConflictException.class, () -> leases.offer(task("a", 1), List.of("px-01")))
                        .getMessage());
        leases.offer(task("a", 2), List.of("px-02")); // the same offer again: nothing happens
        assertThrows(ConflictException.class, () -> leases.offer(task("a", 2), List.of("px-01")));
        assertThrows(NotFoundException.class, () -> leases.offer(task("b", 1), List.of("px-9")));

        assertEquals(1, leases.forget("s-1"));
        assertThrows(NotFoundException.class, () -> leases.complete(task("a", 2), "px-02"));
    }
}
