package io.ferry.api.repository;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An open repository (the password was right). Thread-safe; several backups may be
 * written at once (each holds a shared writer lock); prune takes the exclusive lock.
 * Close it when done.
 */
@ProviderType
public interface Repository extends AutoCloseable {

    RepositoryInfo info();

    /** All complete backups, oldest first. */
    List<BackupInfo> backups();

    /** A backup by id, or by a unique prefix of its id. Throws {@code NotFoundException}. */
    BackupInfo backup(String idOrPrefix);

    /** The newest complete backup of a disk. */
    Optional<BackupInfo> latest(String disk);

    /**
     * Starts a backup. Takes the shared writer lock (throws {@code LOCKED} when a prune
     * holds the exclusive one). The caller must close the writer.
     */
    BackupWriter startBackup(BackupRequest request);

    /** Opens a backup for reading (restore). */
    BackupReader openBackup(String idOrPrefix);

    /**
     * Re-reads, decrypts and checks every chunk of the given backups (all when empty),
     * with bounded parallelism. Missing and corrupt chunks are reported with the backups
     * they break. A chunk file that fails its check is moved aside ({@code <id>.bad}) and
     * recorded, so that the next backup carrying the same data stores it again and heals
     * every backup that references it; chunks recorded by an earlier verify that are intact
     * again are reported as healed (see {@link VerifyReport}). Nothing else is modified: a
     * verify of a healthy repository with no earlier damage writes nothing.
     */
    VerifyReport verify(List<String> backupIds, ProgressListener listener);

    /**
     * Applies a retention policy per disk and deletes chunks no remaining backup
     * references. Takes the exclusive lock (throws {@code LOCKED} while a backup is being
     * written). An interrupted prune leaves a consistent repository: manifests are removed
     * before chunks, and a chunk is only removed when no manifest references it.
     */
    PruneReport prune(RetentionPolicy policy, boolean dryRun, ProgressListener listener);

    @Override
    void close();
}
