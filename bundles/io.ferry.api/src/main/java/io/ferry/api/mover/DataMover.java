package io.ferry.api.mover;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Moves disk data into and out of a repository.
 *
 * <p>Backup: the disk is cut into chunks of the repository's chunk size; chunks that are
 * holes or zeros are never read; with changed-block tracking on the source and a parent
 * backup, chunks without changed blocks are carried over from the parent unread;
 * everything else is read with bounded parallelism and stored (deduplicated, compressed,
 * encrypted). Memory use is a fixed number of chunk buffers whatever the disk size. The
 * manifest is written last: a failed or cancelled backup is never visible.
 *
 * <p>Restore: chunks are read and checked with bounded parallelism and written to the
 * target; zero chunks become holes.
 */
@ProviderType
public interface DataMover {

    /**
     * Backs up {@code source} into {@code repository}. {@code request.size()} must equal
     * the source size. When the source has changed-block tracking but the request has no
     * usable parent (first backup, {@code full}, size changed), every allocated chunk is read.
     */
    BackupInfo backup(DiskSource source, Repository repository, BackupRequest request, ProgressListener listener);

    /** Restores a backup (id or unique prefix) to {@code target}, whose size must be at least the backup's. */
    RestoreResult restore(Repository repository, String backupId, DiskTarget target, ProgressListener listener);
}
