package io.ferry.repository.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.RetentionPolicy;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which backups of one disk a retention policy keeps. Pure: no clock, no I/O; periods are
 * UTC days, ISO weeks and calendar months of each backup's start time, and "the last N
 * periods" counts only periods that have backups (a month without backups does not use up
 * a monthly slot). A backup is kept when any rule keeps it; the newest is always kept.
 */
final class Retention {

    private static final Comparator<BackupInfo> NEWEST_FIRST = ManifestStore.OLDEST_FIRST.reversed();

    private final RetentionPolicy policy;

    Retention(RetentionPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The ids to keep, newest first. All backups must be of the same disk. */
    Set<String> keep(List<BackupInfo> backupsOfOneDisk) {
        List<BackupInfo> newestFirst = new ArrayList<>(backupsOfOneDisk);
        newestFirst.sort(NEWEST_FIRST);
        Set<String> keep = new LinkedHashSet<>();
        if (newestFirst.isEmpty()) {
            return keep;
        }
        keep.add(newestFirst.get(0).id());
        newestFirst.stream().limit(policy.keepLast()).forEach(b -> keep.add(b.id()));
        keepNewestPerPeriod(newestFirst, policy.keepDaily(), b -> day(b), keep);
        keepNewestPerPeriod(newestFirst, policy.keepWeekly(), b -> isoWeek(b), keep);
        keepNewestPerPeriod(newestFirst, policy.keepMonthly(), b -> YearMonth.from(day(b)), keep);
        List<String> ordered = new ArrayList<>();
        newestFirst.forEach(b -> {
            if (keep.contains(b.id())) {
                ordered.add(b.id());
            }
        });
        return new LinkedHashSet<>(ordered);
    }

    private static void keepNewestPerPeriod(List<BackupInfo> newestFirst, int periods,
            Function<BackupInfo, Object> periodOf, Set<String> keep) {
        Object current = null;
        int taken = 0;
        for (BackupInfo b : newestFirst) {
            if (taken >= periods) {
                return;
            }
            Object period = periodOf.apply(b);
            if (!period.equals(current)) {
                current = period;
                taken++;
                keep.add(b.id());
            }
        }
    }

    private static LocalDate day(BackupInfo b) {
        return LocalDate.ofInstant(b.started(), ZoneOffset.UTC);
    }

    private static String isoWeek(BackupInfo b) {
        LocalDate d = day(b);
        return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
    }
}
