package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the tasks and guest stages of a session make its final status. */
class SessionOutcomeTest {

    private static TaskRecord task(String id, TaskStatus status, String error, String... warnings) {
        String[] parts = id.split("/");
        return new TaskRecord(id, parts[0], parts[1], status, "px-01", "network", "", null, null, null, 100, 0, 0, 0,
                0, 0, null, null, error, List.of(warnings));
    }

    private static GuestRecord guest(String vm, TaskStatus status, String detail) {
        return new GuestRecord(vm, "gip-01", status, status != TaskStatus.NOT_EXECUTED, "qemu-guest-agent", detail,
                Duration.ZERO);
    }

    @Test
    void everyDiskBackedUpIsSuccessEvenWhenGuestProcessingWasOnlyRecordedOrOff() {
        SessionOutcome o = SessionOutcome.of("s1", List.of(task("a/d0", TaskStatus.SUCCESS, null),
                task("a/d1", TaskStatus.SUCCESS, null)), List.of(guest("a", TaskStatus.NOT_EXECUTED, "would quiesce"),
                        guest("b", TaskStatus.SKIPPED, "off")), false);
        assertEquals(SessionStatus.SUCCESS, o.status());
        assertEquals("All 2 disks were backed up.", o.summary());
    }

    @Test
    void aTaskWarningOrAGuestStageThatFailedOverMakesAWarningNamingIt() {
        SessionOutcome fallback = SessionOutcome.of("s1", List.of(task("a/d0", TaskStatus.WARNING, null,
                "fell back to network")), List.of(), false);
        assertEquals(SessionStatus.WARNING, fallback.status());
        assertTrue(fallback.summary().contains("a/d0: fell back to network"), fallback.summary());

        SessionOutcome failover = SessionOutcome.of("s1", List.of(task("a/d0", TaskStatus.SUCCESS, null)),
                List.of(guest("a", TaskStatus.WARNING, "the backup server bk-01 took over")), false);
        assertEquals(SessionStatus.WARNING, failover.status());
        assertTrue(failover.summary().contains("guest processing of a: the backup server bk-01 took over"));
    }

    @Test
    void anyFailedTaskFailsTheSessionAndTheSummaryNamesItAndHowToRetry() {
        SessionOutcome o = SessionOutcome.of("s1", List.of(task("a/d0", TaskStatus.SUCCESS, null),
                task("a/d1", TaskStatus.FAILED, "disk unreadable"), task("b/d0", TaskStatus.WARNING, null, "w")),
                List.of(), false);
        assertEquals(SessionStatus.FAILED, o.status());
        assertEquals("1 of 3 disks failed: a/d1 (disk unreadable). The other 2 were backed up; ferry:job-retry s1"
                + " runs only the failed ones.", o.summary());
    }

    @Test
    void anOperatorStopIsStoppedAndCountsWhatWasDone() {
        SessionOutcome o = SessionOutcome.of("s1", List.of(task("a/d0", TaskStatus.SUCCESS, null),
                task("a/d1", TaskStatus.STOPPED, "stopped"), task("a/d2", TaskStatus.STOPPED, "stopped")), List.of(),
                true);
        assertEquals(SessionStatus.STOPPED, o.status());
        assertEquals("Stopped by an operator: 1 of 3 disks backed up, 2 stopped.", o.summary());
    }

    @Test
    void aStopRequestedAfterEveryTaskEndedKeepsTheRealOutcome() {
        SessionOutcome o = SessionOutcome.of("s1", List.of(task("a/d0", TaskStatus.SUCCESS, null)), List.of(), true);
        assertEquals(SessionStatus.SUCCESS, o.status());
    }

    @Test
    void aPlanWithoutDisksFails() {
        assertEquals(SessionStatus.FAILED, SessionOutcome.of("s1", List.of(), List.of(), false).status());
    }

    @Test
    void manyFailuresAreNamedUpToFiveThenCounted() {
        List<TaskRecord> failed = java.util.stream.IntStream.range(0, 7)
                .mapToObj(i -> task("vm/d" + i, TaskStatus.FAILED, "e" + i)).toList();
        SessionOutcome o = SessionOutcome.of("s1", failed, List.of(), false);
        assertTrue(o.summary().startsWith("7 of 7 disks failed: vm/d0 (e0); vm/d1 (e1); vm/d2 (e2); vm/d3 (e3);"
                + " vm/d4 (e4); and 2 more. No disk was backed up"), o.summary());
    }
}
