package io.ferry.shell.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * In-memory stand-in for the repository bundle: repositories by directory, each with a
 * password, a list of backups and canned verify / prune results. Records the passwords it
 * was given (and the arrays, to check that the commands wipe them).
 */
final class FakeRepositories implements RepositoryService {
    static final Instant T0 = Instant.parse("2025-03-01T02:00:00Z");
    static final String REPO_ID = "5d0c1f3a9b7e4d2c8a6f1e0b3c5d7a9f";

    final Map<Path, Repo> repositories = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    /** Copies of the passwords as they arrived. */
    final List<String> passwords = new ArrayList<>();
    /** The arrays themselves: after the command they must hold only '\0'. */
    final List<char[]> passwordArrays = new ArrayList<>();

    Repo add(Path dir, String password) {
        Repo repo = new Repo(dir, password, InitOptions.defaults());
        repositories.put(dir, repo);
        return repo;
    }

    @Override
    public RepositoryInfo init(Path dir, char[] password, InitOptions options) {
        calls.add("init " + dir + " " + options.chunkSize() + " " + options.kdfIterations());
        record(password);
        if (password.length < 8) {
            throw new ValidationException("password", "is shorter than 8 characters");
        }
        if (repositories.containsKey(dir)) {
            throw new RepositoryException(Reason.ALREADY_EXISTS, "'" + dir + "' is not empty");
        }
        Repo repo = new Repo(dir, new String(password), options);
        repositories.put(dir, repo);
        return repo.info();
    }

    @Override
    public Repository open(Path dir, char[] password) {
        calls.add("open " + dir);
        record(password);
        Repo repo = repositories.get(dir);
        if (repo == null) {
            throw new RepositoryException(Reason.NOT_A_REPOSITORY, "'" + dir + "' holds no Ferry repository (no config"
                    + " file); create one with ferry:repo-init " + dir);
        }
        if (!repo.password.equals(new String(password))) {
            throw new RepositoryException(Reason.WRONG_PASSWORD, "The password does not open repository '" + dir
                    + "'; nothing was changed. Check --password-file or " + Passwords.VARIABLE);
        }
        repo.opened++;
        return repo;
    }

    private void record(char[] password) {
        passwords.add(new String(password));
        passwordArrays.add(password);
    }

    boolean allPasswordsWiped() {
        return passwordArrays.stream().allMatch(a -> new String(a).chars().allMatch(c -> c == 0));
    }

    /** A backup as the repository would list it: 64 MiB disk, 16 MiB data read, 8 MiB new stored as 4 MiB. */
    static BackupInfo backup(String id, String disk, String parent, int hour) {
        Instant started = T0.plus(Duration.ofHours(hour));
        BackupStats stats = new BackupStats(16L << 20, 16L << 20, 48L << 20, 2, 2, 8L << 20, 4L << 20,
                parent == null ? "full" : "dedupe");
        return new BackupInfo(id, disk, "/images/" + disk + ".raw", 64L << 20, 4 << 20, started,
                started.plusMillis(8250), parent, stats, Map.of("job", "nightly"));
    }

    /** One repository; also its only open handle. */
    static final class Repo implements Repository {
        final Path dir;
        final String password;
        final InitOptions options;
        final List<BackupInfo> backups = new ArrayList<>();
        /** What verify returns; null: every backup checked, no problem. */
        VerifyReport verifyReport;
        List<String> verified;
        RetentionPolicy prunedWith;
        Boolean prunedDryRun;
        PruneReport pruneReport;
        /** Thrown by prune instead of pruning, as the real one does while a backup is written. */
        RuntimeException pruneFailure;
        int opened;
        int closed;

        Repo(Path dir, String password, InitOptions options) {
            this.dir = dir;
            this.password = password;
            this.options = options;
        }

        @Override
        public RepositoryInfo info() {
            long logical = backups.stream().mapToLong(BackupInfo::size).sum();
            return new RepositoryInfo(dir, REPO_ID, 1, options.chunkSize(), T0, "AES-256-GCM", "LZ4",
                    "PBKDF2-HMAC-SHA256, " + options.kdfIterations() + " iterations", backups.size(), 4L * backups.size(),
                    (4L << 20) * backups.size(), logical);
        }

        @Override
        public List<BackupInfo> backups() {
            return List.copyOf(backups);
        }

        @Override
        public BackupInfo backup(String idOrPrefix) {
            List<BackupInfo> matches = backups.stream().filter(b -> b.id().startsWith(idOrPrefix)).toList();
            if (matches.isEmpty()) {
                throw new NotFoundException("No backup '" + idOrPrefix + "' in " + dir + " (see ferry:backups --repo "
                        + dir + ")");
            }
            if (matches.size() > 1) {
                throw new ValidationException("backup", "'" + idOrPrefix + "' starts " + matches.size()
                        + " backup ids; give more of the id");
            }
            return matches.get(0);
        }

        @Override
        public Optional<BackupInfo> latest(String disk) {
            return backups.stream().filter(b -> b.disk().equals(disk)).reduce((a, b) -> b);
        }

        @Override
        public BackupWriter startBackup(BackupRequest request) {
            throw new UnsupportedOperationException("the fake mover does not write chunks");
        }

        @Override
        public BackupReader openBackup(String idOrPrefix) {
            throw new UnsupportedOperationException("the fake mover does not read chunks");
        }

        @Override
        public VerifyReport verify(List<String> backupIds, ProgressListener listener) {
            verified = List.copyOf(backupIds);
            listener.progress(new Progress("verify", 0, 8L << 20, 0, 0, Duration.ZERO));
            listener.progress(new Progress("verify", 8L << 20, 8L << 20, 0, 0, Duration.ofSeconds(2)));
            if (verifyReport != null) {
                return verifyReport;
            }
            List<String> ids = backupIds.isEmpty() ? backups.stream().map(BackupInfo::id).toList() : backupIds;
            return new VerifyReport(ids, 4L * ids.size(), (4L << 20) * ids.size(), List.of());
        }

        @Override
        public PruneReport prune(RetentionPolicy policy, boolean dryRun, ProgressListener listener) {
            if (pruneFailure != null) {
                throw pruneFailure;
            }
            prunedWith = policy;
            prunedDryRun = dryRun;
            listener.progress(new Progress("sweep", 3, 3, 0, 0, Duration.ofMillis(300)));
            PruneReport r = pruneReport;
            return new PruneReport(r.removedBackups(), r.keptBackups(), r.removedChunks(), r.freedBytes(), dryRun);
        }

        @Override
        public void close() {
            closed++;
        }

        void commit(BackupInfo info) {
            backups.add(info);
        }

        @Override
        public String toString() {
            return "Repo " + Arrays.asList(dir, backups.size());
        }
    }
}
