package io.ferry.shell.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupStats;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.apache.karaf.shell.support.table.ShellTable;

/** How backups, figures and times read in the repository commands' text output. */
final class BackupText {

    static final String DIRTY_BITMAP = "dirty-bitmap:";

    private BackupText() {
    }

    /** {@code 2025-03-01T02:00:13Z}: UTC, to the second. */
    static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code 01J...} or {@code full} for a backup without a parent. */
    static String parent(BackupInfo info) {
        return info.parentId().orElse("full");
    }

    /** {@code 4.2x}. */
    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.1fx", ratio);
    }

    /** The dedupe ratio, or what it means when the backup added nothing. */
    static String dedupe(BackupStats stats) {
        if (stats.newBytes() == 0) {
            return stats.dataBytes() == 0 ? "no data (the disk reads as zeros)" : "no new data (all of it was stored"
                    + " already)";
        }
        return ratio(stats.dedupeRatio());
    }

    /** {@code 1.2 GiB / 600 MiB}: plaintext of the chunks a backup added, and what they cost on disk. */
    static String newAndStored(BackupStats stats) {
        return ProgressBar.bytes(stats.newBytes()) + " / " + ProgressBar.bytes(stats.storedBytes());
    }

    /** What the change tracking value means for the reader of a summary. */
    static String tracking(String changeTracking) {
        if (changeTracking == null || changeTracking.isEmpty()) {
            return "";
        }
        if (changeTracking.startsWith(DIRTY_BITMAP)) {
            return changeTracking + " (only blocks changed since the parent were read)";
        }
        return switch (changeTracking) {
            case "full" -> "full (every allocated block was read)";
            case "dedupe" -> "dedupe (every allocated block was read; unchanged chunks were deduplicated)";
            default -> changeTracking;
        };
    }

    /** {@code 268 MiB/s}: bytes over wall time, 0 for no time. */
    static String rate(long bytes, Duration elapsed) {
        long nanos = elapsed.toNanos();
        return ProgressBar.rate(nanos <= 0 ? 0 : bytes * 1e9 / nanos);
    }

    /** {@code 0:08} or, below ten seconds, {@code 2.4 s}. */
    static String duration(Duration elapsed) {
        if (elapsed.compareTo(Duration.ofSeconds(10)) < 0) {
            return String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
        }
        return ProgressBar.clock(elapsed);
    }

    /** A two-column table without headers for details, as {@code ferry:server-show} prints them. */
    static ShellTable details() {
        ShellTable table = new ShellTable().noHeaders();
        table.column("Field");
        table.column("Value");
        return table;
    }

    static void row(ShellTable table, String field, Object value) {
        table.addRow().addContent(field, value);
    }
}
