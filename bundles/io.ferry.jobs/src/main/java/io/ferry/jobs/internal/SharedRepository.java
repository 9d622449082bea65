package io.ferry.jobs.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryInfo;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.VerifyReport;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A job repository handed to a user's command: every call goes to the job runner's open
 * repository (and its role checks), but {@link #close()} leaves that repository open for the
 * runs that share it.
 */
final class SharedRepository implements Repository {
    private final Repository repository;

    SharedRepository(Repository repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    @Override
    public RepositoryInfo info() {
        return repository.info();
    }

    @Override
    public List<BackupInfo> backups() {
        return repository.backups();
    }

    @Override
    public BackupInfo backup(String idOrPrefix) {
        return repository.backup(idOrPrefix);
    }

    @Override
    public Optional<BackupInfo> latest(String disk) {
        return repository.latest(disk);
    }

    @Override
    public BackupWriter startBackup(BackupRequest request) {
        return repository.startBackup(request);
    }

    @Override
    public BackupReader openBackup(String idOrPrefix) {
        return repository.openBackup(idOrPrefix);
    }

    @Override
    public VerifyReport verify(List<String> backupIds, ProgressListener listener) {
        return repository.verify(backupIds, listener);
    }

    @Override
    public PruneReport prune(RetentionPolicy policy, boolean dryRun, ProgressListener listener) {
        return repository.prune(policy, dryRun, listener);
    }

    @Override
    public void close() {
        // the job runner's repository stays open
    }

    @Override
    public String toString() {
        return repository.toString();
    }
}
