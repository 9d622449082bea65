package io.ferry.repository.internal;

import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
 * <li>{@code max-lock-days=N}: the latest lock date a commit may ask for, N days ahead (default 3650).</li>
 * </ul>
 *
 * Per-backup lock dates are plain sidecar files {@code retention/<backup id>} holding an ISO-8601
 * instant, written by the store before the backup's manifest and trusted by it (and by a local
 * prune): the backup may not be deleted before that instant, whoever asks.
 *
 * @param appendOnly  refuse every delete
 * @param maxLock     the longest lock a commit may ask for
 */
record StorePolicy(boolean appendOnly, Duration maxLock) {

    static final String FILE = "store-policy.properties";
    static final String RETENTION_DIR = "retention";
    private static final Set<String> KEYS = Set.of("append-only", "max-lock-days");

    static StorePolicy read(Path root) {
        Path file = root.resolve(FILE);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return new StorePolicy(false, Duration.ofDays(3650));
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot read the store policy " + file + ": " + e.getMessage(), e);
        }
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new RepositoryException(Reason.CORRUPT, "the store policy " + file + " has an unknown key '" + key
                        + "' (known: append-only, max-lock-days); fix the file");
            }
        }
        String appendOnly = p.getProperty("append-only", "false").strip();
        if (!appendOnly.equals("true") && !appendOnly.equals("false")) {
            throw new RepositoryException(Reason.CORRUPT, "the store policy " + file + ": append-only is '" + appendOnly
                    + "', not true or false; fix the file");
        }
        long days;
        try {
            days = Long.parseLong(p.getProperty("max-lock-days", "3650").strip());
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 0 || days > 36500) {
            throw new RepositoryException(Reason.CORRUPT, "the store policy " + file + ": max-lock-days is '"
                    + p.getProperty("max-lock-days") + "', not a number of days from 0 to 36500; fix the file");
        }
        return new StorePolicy(Boolean.parseBoolean(appendOnly), Duration.ofDays(days));
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
