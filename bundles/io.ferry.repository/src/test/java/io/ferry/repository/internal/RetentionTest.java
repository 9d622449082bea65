package io.ferry.repository.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retention decision alone: fixed dates, no repository. */
class RetentionTest {

    private static BackupInfo at(String time) {
        Instant t = Instant.parse(time);
        String id = time.replace("-", "").replace(":", "").substring(0, 15) + "Z-000000";
        return new BackupInfo(id, "d", "test", 1, 65536, t, t.plusSeconds(60), null,
                new BackupStats(0, 0, 0, 0, 0, 0, 0, "full"), Map.of());
    }

    private static List<String> keep(RetentionPolicy policy, String... times) {
        List<BackupInfo> backups = new ArrayList<>();
        for (String t : times) {
            backups.add(at(t));
        }
        return new Retention(policy).keep(backups).stream()
                .map(id -> backups.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow().started().toString())
                .toList();
    }

    @Test
    void keepLastKeepsTheNewestN() {
        assertEquals(List.of("2026-11-05T10:00:00Z", "2026-11-04T10:00:00Z"),
                keep(RetentionPolicy.keepLast(2), "2026-11-01T10:00:00Z", "2026-11-04T10:00:00Z",
                        "2026-11-02T10:00:00Z", "2026-11-05T10:00:00Z", "2026-11-03T10:00:00Z"));
    }

    @Test
    void keepDailyKeepsTheNewestOfEachOfTheLastDaysThatHaveBackups() {
        assertEquals(List.of("2026-11-10T23:59:00Z", "2026-11-07T18:00:00Z", "2026-11-06T00:00:00Z"),
                keep(new RetentionPolicy(0, 3, 0, 0),
                        "2026-11-10T00:00:00Z", "2026-11-10T23:59:00Z", // same UTC day: the later one
                        "2026-11-07T06:00:00Z", "2026-11-07T18:00:00Z",
                        "2026-11-06T00:00:00Z", // days 8 and 9 have none: they do not use up slots
                        "2026-11-05T12:00:00Z"));
    }

    @Test
    void keepWeeklyUsesIsoWeeksAcrossTheYearBoundary() {
        // 2026 has 53 ISO weeks: Thu 2026-12-31 and Sun 2027-01-03 are both in 2026-W53; Mon 2027-01-04 is 2027-W01
        assertEquals(List.of("2027-01-04T08:00:00Z", "2027-01-03T08:00:00Z", "2026-12-27T08:00:00Z"),
                keep(new RetentionPolicy(0, 0, 3, 0),
                        "2027-01-04T08:00:00Z", "2027-01-03T08:00:00Z", "2026-12-31T08:00:00Z",
                        "2026-12-27T08:00:00Z", "2026-12-21T08:00:00Z"));
    }

    @Test
    void keepMonthlyUsesUtcCalendarMonths() {
        assertEquals(List.of("2026-03-01T00:00:00Z", "2026-02-28T23:59:59Z", "2026-01-31T23:30:00Z"),
                keep(new RetentionPolicy(0, 0, 0, 3),
                        "2026-03-01T00:00:00Z", "2026-02-28T23:59:59Z", "2026-02-01T00:00:00Z",
                        "2026-01-31T23:30:00Z", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z"));
    }

    @Test
    void rulesAreUnitedAndTheNewestIsAlwaysKept() {
        assertEquals(List.of("2026-06-03T10:00:00Z", "2026-06-02T10:00:00Z", "2026-05-31T10:00:00Z",
                "2026-04-15T10:00:00Z"),
                keep(new RetentionPolicy(2, 0, 0, 3),
                        "2026-06-01T10:00:00Z", "2026-06-02T10:00:00Z", "2026-06-03T10:00:00Z",
                        "2026-05-31T10:00:00Z", "2026-05-01T10:00:00Z", "2026-04-15T10:00:00Z"));
        assertEquals(List.of("2026-06-03T10:00:00Z"),
                keep(new RetentionPolicy(0, 0, 0, 1), "2026-06-03T10:00:00Z", "2026-06-01T10:00:00Z"));
    }

    @Test
    void nothingToDecideForNoBackups() {
        assertEquals(List.of(), keep(RetentionPolicy.keepLast(3)));
    }
}
