package io.ferry.repository.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Reads one backup; holds the shared repository lock (so that no prune removes its chunks) until closed. */
final class FileBackupReader implements BackupReader {

    private final Path root;
    private final Manifest manifest;
    private final ChunkStore chunks;
    private final RepositoryLock.Lease lease;
    private volatile boolean closed;

    FileBackupReader(Path root, Manifest manifest, ChunkStore chunks, RepositoryLock.Lease lease) {
        this.root = root;
        this.manifest = manifest;
        this.chunks = chunks;
        this.lease = lease;
    }

    @Override
    public BackupInfo info() {
        return manifest.info();
    }

    @Override
    public Optional<ChunkId> chunk(long index) {
        return manifest.chunk(index);
    }

    @Override
    public void read(ChunkId id, ByteBuffer dst) {
        if (closed) {
            throw new IllegalStateException("the reader of backup " + manifest.info().id() + " was closed");
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dst, "dst");
        try {
            chunks.read(id, dst);
        } catch (IntegrityException e) {
            throw new RepositoryException(Reason.CORRUPT, "chunk " + id.hex() + " of backup " + manifest.info().id()
                    + " in repository " + root + " cannot be read (" + e.problem()
                    + "); run ferry:verify to see which backups are affected", e);
        } catch (IOException e) {
            throw new RepositoryException(Reason.IO, "cannot read chunk " + id.hex() + " of backup "
                    + manifest.info().id() + " in repository " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        lease.close();
    }
}
