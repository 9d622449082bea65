package io.ferry.repository.internal;

import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.repository.remote.StoreRules;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The storage side's own rules for a repository, from {@code store-policy.properties} in the
 * repository directory. Written only by someone on the repository's machine (never through a
 * link), read at every delete and commit, so that a change takes effect at once:
 *
 * <ul>
 * <li>{@code append-only=true}: no backup is ever deleted through the store (default false);</li>
 * <li>{@code min-lock-days=N}: every commit locks its backup for at least N days from the commit,
 * whatever lock the key side asked for (default 0);</li>
 * <li>{@code max-lock-days=N}: the latest lock date a commit may ask for, N days ahead (default 3650;
 * never below min-lock-days).</li>
 * </ul>
 *
 * Per-backup lock dates are plain sidecar files {@code retention/<backup id>} holding an ISO-8601
 * instant, written by the store before the backup's manifest and trusted by it (and by a local
 * prune): the backup may not be deleted before that instant, whoever asks.
 *
 * @param appendOnly  refuse every delete
 * @param minLock     the shortest lock every commit gets
 * @param maxLock     the longest lock a commit may ask for
 */
record StorePolicy(boolean appendOnly, Duration minLock, Duration maxLock) {

    static final String FILE = "store-policy.properties";
    static final String RETENTION_DIR = "retention";
    private static final Set<String> KEYS = Set.of("append-only", "min-lock-days", "max-lock-days");

    static StorePolicy read(Path root) {
        Path file = root.resolve(FILE);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return of(StoreRules.DEFAULT);
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot read the store policy " + file + ": " + e.getMessage(), e);
        }
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new RepositoryException(Reason.CORRUPT, "the store policy " + file + " has an unknown key '" + key
                        + "' (known: append-only, min-lock-days, max-lock-days); fix the file");
            }
        }
        String appendOnly = p.getProperty("append-only", "false").strip();
        if (!appendOnly.equals("true") && !appendOnly.equals("false")) {
            throw new RepositoryException(Reason.CORRUPT, "the store policy " + file + ": append-only is '" + appendOnly
                    + "', not true or false; fix the file");
        }
        int minDays = days(file, p, "min-lock-days", StoreRules.DEFAULT.minLockDays());
        int maxDays = days(file, p, "max-lock-days", StoreRules.DEFAULT.maxLockDays());
        if (minDays > maxDays) {
            throw new RepositoryException(Reason.CORRUPT, "the store policy " + file + ": min-lock-days (" + minDays
                    + ") is above max-lock-days (" + maxDays + "), so no commit could be locked as both demand;"
                    + " fix the file");
        }
        return of(new StoreRules(Boolean.parseBoolean(appendOnly), minDays, maxDays));
    }

    private static int days(Path file, Properties p, String key, int byDefault) {
        String text = p.getProperty(key);
        if (text == null) {
            return byDefault;
        }
        long days;
        try {
            days = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 0 || days > StoreRules.MAX_DAYS) {
            throw new RepositoryException(Reason.CORRUPT, "the store policy " + file + ": " + key + " is '" + text
                    + "', not a number of days from 0 to " + StoreRules.MAX_DAYS + "; fix the file");
        }
        return (int) days;
    }

    static StorePolicy of(StoreRules rules) {
        return new StorePolicy(rules.appendOnly(), Duration.ofDays(rules.minLockDays()),
                Duration.ofDays(rules.maxLockDays()));
    }

    StoreRules rules() {
        return new StoreRules(appendOnly, (int) minLock.toDays(), (int) maxLock.toDays());
    }

    /**
     * Writes {@code rules} as the store policy of the repository in {@code root}: a temporary
     * file in its {@code tmp/}, fsynced, renamed over the policy file (0600), the directory synced.
     */
    static void write(Path root, StoreRules rules) {
        Objects.requireNonNull(rules, "rules");
        if (!Files.isRegularFile(root.resolve("config"))) {
            throw new RepositoryException(Reason.NOT_A_REPOSITORY, "no Ferry repository at " + root
                    + " (no config file); store rules belong to a repository: create it first, or check the path");
        }
        String text = "# The repository server's own rules for this repository (docs/repository-format.md)\n"
                + "append-only=" + rules.appendOnly() + "\n"
                + "min-lock-days=" + rules.minLockDays() + "\n"
                + "max-lock-days=" + rules.maxLockDays() + "\n";
        try {
            Path tmp = root.resolve("tmp");
            OwnerOnly.directory(tmp);
            DurableFiles.write(tmp, root.resolve(FILE), text.getBytes(StandardCharsets.UTF_8));
            DurableFiles.syncDirectory(root);
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot write the store policy " + root.resolve(FILE) + ": "
                    + e.getMessage(), e);
        }
    }

    /** When a backup committed at {@code now} is locked until: the later of the asked date and the minimum lock. */
    Optional<Instant> lockUntil(Instant now, Optional<Instant> asked) {
        if (minLock.isZero()) {
            return asked;
        }
        Instant least = now.plus(minLock);
        return Optional.of(asked.filter(least::isBefore).orElse(least));
    }

    /** The lock date of a backup, if it has one. */
    static Optional<Instant> lockedUntil(Path root, String backupId) throws IOException {
        Path file = root.resolve(RETENTION_DIR).resolve(backupId);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            // an unreadable lock date locks for ever rather than not at all
            return Optional.of(Instant.MAX);
        }
    }

    /** Records a backup's lock date durably (before its manifest is written). */
    static void writeLock(Path root, Path tmpDir, String backupId, Instant until) throws IOException {
        Path dir = root.resolve(RETENTION_DIR);
        Files.createDirectories(dir);
        DurableFiles.write(tmpDir, dir.resolve(backupId), (until.toString() + "\n").getBytes(StandardCharsets.US_ASCII));
        DurableFiles.syncDirectory(dir);
    }
}
