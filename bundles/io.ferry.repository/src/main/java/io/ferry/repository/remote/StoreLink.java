package io.ferry.repository.remote;

import io.ferry.api.repository.ChunkId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The calls between the key side and the storage side of a repository, independent of the
 * transport. {@link RepositoryStore} implements it on a repository directory; a transport
 * implements it on the key side by sending each call to a server that calls the store.
 *
 * <p>Every call returns a future so that a network implementation can pipeline: the key side
 * keeps several {@link #missing} batches and {@link #putChunk} uploads in flight. A future
 * fails with the store's exception: a {@link io.ferry.api.repository.RepositoryException}
 * (its {@code reason} and message must survive the transport), a
 * {@link io.ferry.api.ValidationException} (malformed input), a
 * {@link io.ferry.api.NotFoundException}, or an {@link ImmutableBackupException}. Buffers
 * passed in are read from their position to their limit and not kept after the future
 * completes; buffers returned belong to the caller.
 *
 * <p>Nothing here carries a key or a password: chunks and manifests travel sealed (encrypted
 * and authenticated), chunk ids are keyed hashes.
 */
@ConsumerType
public interface StoreLink extends AutoCloseable {

    /** The most chunk ids one {@link #missing} call may ask about. */
    int MAX_MISSING_BATCH = 1024;

    /** The repository's {@code config} and key file, to unlock the key side. */
    CompletableFuture<RepositoryImages> images();

    /** The ids of all committed backups (manifest file names), sorted. */
    CompletableFuture<List<String>> backupIds();

    /**
     * The sealed manifest of a backup: the whole file, or with {@code headerOnly} just its
     * fixed header and encrypted header part (enough to list backups). Fails with
     * {@code NotFoundException} when there is no such backup.
     */
    CompletableFuture<ByteBuffer> manifest(String backupId, boolean headerOnly);

    /**
     * Begins a session (takes the writer lock shared). Fails with {@code LOCKED} while a prune
     * runs. {@code detail} says who asks, for the lock's messages (no secrets).
     */
    CompletableFuture<StoreSession> begin(StoreSession.Kind kind, String detail);

    /**
     * Which of {@code ids} (at most {@link #MAX_MISSING_BATCH}) the store does not have, in
     * the order asked. A chunk recorded as damaged by a verify (moved aside, or listed in
     * {@code damaged}) and not written again since counts as missing, so the key side sends it again.
     */
    CompletableFuture<List<ChunkId>> missing(String session, List<ChunkId> ids);

    /**
     * Stores a sealed chunk image (a chunk file, docs/repository-format.md "Chunk files") under
     * {@code id}, in a backup session. The store checks the image's header and length and
     * refuses a malformed or oversized one ({@code ValidationException}). Completes when the
     * chunk file is durable (fsynced and renamed into place); a chunk the store already has is
     * not written again. A direct buffer at position 0 whose address is aligned to 4096 bytes and
     * whose capacity holds its limit rounded up to 4096 may be written to disk as it is: the
     * store may then overwrite the bytes between its limit and that rounded length (padding).
     */
    CompletableFuture<Void> putChunk(String session, ChunkId id, ByteBuffer sealedImage);

    /** The sealed image of a stored chunk; fails with {@code CORRUPT} when it is missing. */
    CompletableFuture<ByteBuffer> chunk(String session, ChunkId id);

    /**
     * Makes a backup visible, last: waits for the session's uploads, checks that every chunk
     * in {@code referenced} is stored durably (refuses with {@code CORRUPT}, naming a missing
     * chunk, and writes nothing otherwise), then writes the sealed manifest atomically under
     * {@code backupId} (the session's id). {@code lockUntil}: the backup may not be deleted or
     * pruned before that instant (recorded by the store, bounded by its policy). Ends the session.
     */
    CompletableFuture<Void> commit(String session, String backupId, ByteBuffer sealedManifest,
            List<ChunkId> referenced, Optional<Instant> lockUntil);

    /** Ends a session without a commit (releases its lock); chunks it stored stay until a prune. Idempotent. */
    CompletableFuture<Void> end(String session);

    /**
     * Deletes a backup's manifest (its chunks go with the next prune). Refused with
     * {@link ImmutableBackupException} when the store's policy is append-only or the backup is
     * locked until a later date; with {@code LOCKED} while sessions are open.
     */
    CompletableFuture<Void> deleteBackup(String backupId);

    /**
     * Prunes under the store's exclusive lock (fails with {@code LOCKED} while sessions are
     * open): deletes the manifests of {@code backupIds} except those locked until a later date
     * (kept and reported), then deletes every chunk file that no remaining backup references,
     * by the reference records the store wrote at each commit. Refused with
     * {@link ImmutableBackupException} when the store is append-only and backups are named; refused
     * ({@code IO}, nothing changed) when a remaining backup has no reference record (it was
     * written by a local Ferry: prune where the repository is, with the password). A dry run
     * changes nothing and reports the same figures.
     */
    CompletableFuture<StorePruneResult> prune(List<String> backupIds, boolean dryRun);

    /** Releases the link (not the repository). */
    @Override
    void close();
}
