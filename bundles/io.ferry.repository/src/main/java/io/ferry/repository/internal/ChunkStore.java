package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.StoredChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code chunks/} directory: content-addressed chunk files
 * {@code chunks/<first two hex digits>/<64 hex digits>}. Stores (deduplicated, each file
 * written atomically) and reads them. Thread-safe.
 */
final class ChunkStore {

    private final Path chunksDir;
    private final Path tmpDir;
    private final ChunkCodecPool codecs;
    private final RepositoryLock lock;
    private final Set<Path> existingDirs = ConcurrentHashMap.newKeySet();
    /** Chunks being written right now, so that two writers storing the same chunk write it once. */
    private final ConcurrentHashMap<ChunkId, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    ChunkStore(Path chunksDir, Path tmpDir, ChunkCodecPool codecs, RepositoryLock lock) {
        this.chunksDir = chunksDir;
        this.tmpDir = tmpDir;
        this.codecs = codecs;
        this.lock = lock;
    }

    Path dir() {
        return chunksDir;
    }

    Path path(ChunkId id) {
        String hex = id.hex();
        return chunksDir.resolve(hex.substring(0, 2)).resolve(hex);
    }

    /**
     * Stores the remaining bytes of {@code data} unless the repository has the chunk;
     * advances the position to the limit. Directories that received a new chunk file are
     * added to {@code touchedDirs} (the caller syncs them before its manifest).
     */
    StoredChunk store(ByteBuffer data, Set<Path> touchedDirs) throws IOException {
        int length = data.remaining();
        ChunkCodec codec = codecs.borrow();
        try {
            ChunkId id = codec.address(data);
            StoredChunk result = lock.isKnown(id) ? present(id, length) : storeNew(codec, id, data, touchedDirs);
            data.position(data.limit());
            return result;
        } finally {
            codecs.release(codec);
        }
    }

    private StoredChunk storeNew(ChunkCodec codec, ChunkId id, ByteBuffer data, Set<Path> touchedDirs)
            throws IOException {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = inFlight.putIfAbsent(id, mine);
        if (other != null) {
            awaitOtherWrite(id, other);
            return present(id, data.remaining());
        }
        try {
            Path file = path(id);
            if (Files.exists(file)) {
                lock.markKnown(id);
                mine.complete(null);
                return present(id, data.remaining());
            }
            ChunkCodec.Sealed sealed = codec.seal(id, data);
            Path dir = file.getParent();
            if (!existingDirs.contains(dir)) {
                Files.createDirectories(dir);
                existingDirs.add(dir);
            }
            DurableFiles.write(tmpDir, file, codec.image());
            touchedDirs.add(dir);
            lock.markKnown(id);
            mine.complete(null);
            return new StoredChunk(id, data.remaining(), true, sealed.length(), sealed.compressed());
        } catch (GeneralSecurityException e) {
            mine.completeExceptionally(e);
            throw new IllegalStateException("cannot encrypt chunk " + id + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private static void awaitOtherWrite(ChunkId id, CompletableFuture<Void> other) throws IOException {
        try {
            other.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw new IOException("a concurrent write of chunk " + id + " failed: " + cause.getMessage(), cause);
        }
    }

    private static StoredChunk present(ChunkId id, int length) {
        return new StoredChunk(id, length, false, 0, false);
    }

    /**
     * Reads and checks chunk {@code id} into {@code dst} (from its position, advanced by the
     * plaintext length).
     *
     * @return the length of the chunk file
     */
    long read(ChunkId id, ByteBuffer dst) throws IOException, IntegrityException {
        ChunkCodec codec = codecs.borrow();
        try {
            ByteBuffer image = codec.image();
            image.clear();
            long size;
            try (FileChannel ch = FileChannel.open(path(id), StandardOpenOption.READ)) {
                size = ch.size();
                if (size > image.capacity()) {
                    throw IntegrityException.unreadable("the file has " + size + " bytes, more than a chunk can have");
                }
                image.limit((int) size);
                while (image.hasRemaining() && ch.read(image) >= 0) {
                    // keep reading
                }
                if (image.hasRemaining()) {
                    throw IntegrityException.unreadable("the file shrank while it was read");
                }
            } catch (NoSuchFileException e) {
                throw new IntegrityException(IntegrityException.MISSING, e);
            }
            image.flip();
            codec.open(id, dst);
            return size;
        } finally {
            codecs.release(codec);
        }
    }
}
