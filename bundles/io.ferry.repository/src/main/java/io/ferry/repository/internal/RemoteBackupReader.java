package io.ferry.repository.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.repository.remote.StoreSession;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads one backup through a store link: sealed chunk images are fetched and opened here
 * (decrypted, decompressed, checked against their id). Holds a restore session (the store's
 * writer lock shared, so no prune removes chunks meanwhile) until closed. Thread-safe.
 */
final class RemoteBackupReader implements BackupReader {

    private final RemoteRepository repository;
    private final StoreSession session;
    private final Manifest manifest;
    private volatile boolean closed;

    RemoteBackupReader(RemoteRepository repository, StoreSession session, Manifest manifest) {
        this.repository = repository;
        this.session = session;
        this.manifest = manifest;
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
        ByteBuffer sealed = RemoteRepository.await(repository.link().chunk(session.token(), id), repository.options(),
                "read chunk " + id.hex() + " of backup " + manifest.info().id());
        ChunkCodec codec = repository.codecs().borrow();
        try {
            ByteBuffer image = codec.image();
            image.clear();
            if (sealed.remaining() > image.capacity()) {
                throw IntegrityException.unreadable("the chunk image has " + sealed.remaining()
                        + " bytes, more than a chunk can have");
            }
            image.put(sealed).flip();
            codec.open(id, dst);
        } catch (IntegrityException e) {
            throw new RepositoryException(Reason.CORRUPT, "chunk " + id.hex() + " of backup " + manifest.info().id()
                    + " in " + repository.describe() + " cannot be read (" + e.problem()
                    + "); run ferry:verify where the repository is to see which backups are affected", e);
        } finally {
            repository.codecs().release(codec);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            repository.endQuietly(session);
        }
    }
}
