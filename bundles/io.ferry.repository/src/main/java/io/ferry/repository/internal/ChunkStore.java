package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.StoredChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.io.InterruptedIOException;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
    /** Recorded-as-damaged chunks that this process has since checked intact or written again. */
    private final Set<ChunkId> confirmed = ConcurrentHashMap.newKeySet();
    /**
     * Chunks being written right now (until renamed into place), so that two writers storing
     * the same chunk write it once; the future completes when the chunk file is durable.
     */
    private final ConcurrentHashMap<ChunkId, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    /**
     * Makes chunk files durable off the calling threads: fsync of the temp file, then the
     * rename. The workers that compress and encrypt never wait for the disk; a backup's
     * commit waits for all of its chunks (measured: a blocking fsync per chunk was ~37 % of
     * the workers' samples in a full backup).
     */
    private final ExecutorService syncer = Executors.newFixedThreadPool(SYNC_THREADS, r -> {
        Thread t = new Thread(r, "ferry-chunk-sync");
        t.setDaemon(true);
        return t;
    });
    /** Bounds the written-but-not-yet-synced chunk files (page cache, not heap). */
    private final Semaphore unsynced = new Semaphore(MAX_UNSYNCED);

    /** Time callers waited because {@link #MAX_UNSYNCED} chunk files were not durable yet (for the commit log). */
    private final java.util.concurrent.atomic.AtomicLong syncBackPressureNanos = new java.util.concurrent.atomic.AtomicLong();

    static final String BAD_SUFFIX = ".bad";
    static final int SYNC_THREADS = 2;
    static final int MAX_UNSYNCED = 32;

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
    StoredChunk store(ByteBuffer data, Set<Path> touchedDirs, Collection<CompletableFuture<Void>> durable)
            throws IOException {
        return store(data, touchedDirs, durable, Set.of());
    }

    /**
     * As {@link #store(ByteBuffer, Set, Collection)}; a chunk in {@code suspects} (recorded
     * as damaged by a verify) is not taken as stored because its file exists: the file is
     * read and checked first, and written again when it fails (the damaged file is moved aside).
     */
    StoredChunk store(ByteBuffer data, Set<Path> touchedDirs, Collection<CompletableFuture<Void>> durable,
            Set<ChunkId> suspects) throws IOException {
        int length = data.remaining();
        ChunkCodec codec = codecs.borrow();
        try {
            ChunkId id = codec.address(data);
            boolean suspect = suspects.contains(id) && !confirmed.contains(id);
            StoredChunk result = !suspect && lock.isKnown(id) ? present(id, length)
                    : storeNew(codec, id, data, touchedDirs, durable, suspect);
            data.position(data.limit());
            return result;
        } finally {
            codecs.release(codec);
        }
    }

    private StoredChunk storeNew(ChunkCodec codec, ChunkId id, ByteBuffer data, Set<Path> touchedDirs,
            Collection<CompletableFuture<Void>> durable, boolean suspect) throws IOException {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = inFlight.putIfAbsent(id, mine);
        if (other != null) {
            // being written by someone else: the caller's commit waits until it is durable
            durable.add(other);
            return present(id, data.remaining());
        }
        boolean handedOff = false;
        try {
            Path file = path(id);
            if (Files.exists(file)) {
                if (!suspect || intact(id)) {
                    if (suspect) {
                        confirmed.add(id);
                    }
                    lock.markKnown(id);
                    mine.complete(null);
                    return present(id, data.remaining());
                }
                moveAside(id);
            }
            ChunkCodec.Sealed sealed = codec.seal(id, data);
            Path dir = file.getParent();
            Path tmp = writeTemp(id, file, codec.image());
            touchedDirs.add(dir);
            Runnable finish = () -> {
                try {
                    DurableFiles.syncAndRename(tmp, file);
                    if (suspect) {
                        confirmed.add(id);
                    }
                    lock.markKnown(id);
                    mine.complete(null);
                } catch (IOException | RuntimeException e) {
                    mine.completeExceptionally(e);
                } finally {
                    inFlight.remove(id, mine);
                    unsynced.release();
                }
            };
            try {
                syncer.execute(finish);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                finish.run(); // the repository is closing: make it durable on this thread
            }
            handedOff = true;
            durable.add(mine);
            return new StoredChunk(id, data.remaining(), true, sealed.length(), sealed.compressed());
        } catch (GeneralSecurityException e) {
            mine.completeExceptionally(e);
            throw new IllegalStateException("cannot encrypt chunk " + id + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            if (!handedOff) {
                inFlight.remove(id, mine);
            }
        }
    }

    /**
     * Writes an already sealed chunk image (the storage side of a split repository, which has
     * no key) with the same discipline as {@link #store}: a temp file in {@code tmp/}, handed
     * to the sync threads for the fsync and the rename. Nothing is written when the chunk file
     * exists and {@code replaceExisting} is false (content-addressed: it holds the same
     * chunk); with {@code replaceExisting} (a chunk recorded as damaged) the existing file is
     * moved aside first. The image must have been checked ({@link ChunkCodec#checkSealedImage}).
     *
     * @param touchedDirs receives the directory of a new file (to be synced before a manifest)
     * @return completes when the chunk file is durable (fsynced and renamed into place)
     */
    CompletableFuture<Void> storeSealed(ChunkId id, ByteBuffer image, boolean replaceExisting,
            Set<Path> touchedDirs) throws IOException {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = inFlight.putIfAbsent(id, mine);
        if (other != null) {
            return other;
        }
        boolean handedOff = false;
        try {
            Path file = path(id);
            if (Files.exists(file)) {
                if (!replaceExisting) {
                    mine.complete(null);
                    return mine;
                }
                moveAside(id);
            }
            Path dir = file.getParent();
            Path tmp = writeTemp(id, file, image);
            Runnable finish = () -> {
                try {
                    DurableFiles.syncAndRename(tmp, file);
                    touchedDirs.add(dir);
                    if (replaceExisting) {
                        confirmed.add(id); // written again after a verify recorded it as damaged
                    }
                    mine.complete(null);
                } catch (IOException | RuntimeException e) {
                    mine.completeExceptionally(e);
                } finally {
                    inFlight.remove(id, mine);
                    unsynced.release();
                }
            };
            try {
                syncer.execute(finish);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                finish.run(); // closing: make it durable on this thread
            }
            handedOff = true;
            return mine;
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            if (!handedOff) {
                inFlight.remove(id, mine);
            }
        }
    }

    /**
     * Writes a chunk file's image to a temporary file beside it (its directory made once),
     * after taking one of the {@link #MAX_UNSYNCED} permits (the caller's finish step releases
     * it once the file is synced and renamed; here only when the write fails).
     */
    private Path writeTemp(ChunkId id, Path file, ByteBuffer image) throws IOException {
        Path dir = file.getParent();
        if (!existingDirs.contains(dir)) {
            Files.createDirectories(dir);
            existingDirs.add(dir);
        }
        try {
            if (!unsynced.tryAcquire()) {
                long waitStart = System.nanoTime();
                unsynced.acquire();
                syncBackPressureNanos.addAndGet(System.nanoTime() - waitStart);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write chunk " + id);
        }
        try {
            return DurableFiles.writeTemp(tmpDir, file, image);
        } catch (IOException | RuntimeException e) {
            unsynced.release();
            throw e;
        }
    }

    /** Total time writers waited for the sync threads so far (all backups of this repository). */
    long syncBackPressureNanos() {
        return syncBackPressureNanos.get();
    }

    /** True when the chunk file of {@code id} reads back intact; a missing or unreadable one is not. */
    boolean intact(ChunkId id) {
        try {
            read(id, ByteBuffer.allocate(codecs.chunkSize()));
            return true;
        } catch (IntegrityException | IOException e) {
            return false;
        }
    }

    /**
     * Renames the chunk file of {@code id} to {@code <id>.bad} (replacing an older one) and
     * syncs its directory, so that the chunk counts as absent and the next backup carrying
     * its data writes it again; forgets it in this process's dedupe cache.
     *
     * @return false when there was no file to move
     */
    boolean moveAside(ChunkId id) throws IOException {
        Path file = path(id);
        try {
            Files.move(file, badPath(id), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            forget(id);
            return false;
        }
        DurableFiles.syncDirectory(file.getParent());
        forget(id);
        return true;
    }

    /** Where a damaged chunk file is moved. */
    Path badPath(ChunkId id) {
        Path file = path(id);
        return file.resolveSibling(file.getFileName() + BAD_SUFFIX);
    }

    /** True when this process checked or wrote the chunk since it was recorded as damaged. */
    boolean isConfirmed(ChunkId id) {
        return confirmed.contains(id);
    }

    /** Drops {@code id} from this process's caches of stored chunks. */
    void forget(ChunkId id) {
        confirmed.remove(id);
        lock.forget(id);
    }

    /**
     * fsyncs {@code dirs} (made durable: the renames of chunk files into them), several at
     * once on the sync threads and the caller: a commit touches up to 256 directories, and
     * one after the other they cost ~290 ms at commit on the build box; concurrent syncs
     * share the file system's journal commits.
     */
    void syncDirectories(Collection<Path> dirs) throws IOException {
        java.util.List<CompletableFuture<Void>> pending = new java.util.ArrayList<>();
        java.util.Iterator<Path> it = dirs.iterator();
        int i = 0;
        IOException first = null;
        while (it.hasNext()) {
            Path dir = it.next();
            // every third on the caller's thread, the rest on the two sync threads
            if (i++ % (SYNC_THREADS + 1) == SYNC_THREADS) {
                try {
                    DurableFiles.syncDirectory(dir);
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
                continue;
            }
            try {
                pending.add(CompletableFuture.runAsync(() -> {
                    try {
                        DurableFiles.syncDirectory(dir);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                }, syncer));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                DurableFiles.syncDirectory(dir); // closing: on this thread
            }
        }
        try {
            awaitDurable(pending);
        } catch (IOException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }

    /** Waits until every chunk in {@code durable} is in place; throws the first failure. */
    static void awaitDurable(Collection<CompletableFuture<Void>> durable) throws IOException {
        for (CompletableFuture<Void> f : durable) {
            try {
                f.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw new IOException("a chunk write failed: " + cause, cause);
            }
        }
    }

    /** Lets pending chunk writes finish (bounded wait) and stops the sync threads. */
    void close() {
        syncer.shutdown();
        try {
            syncer.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static StoredChunk present(ChunkId id, int length) {
        return new StoredChunk(id, length, false, 0, false);
    }

    /**
     * Reads the chunk file {@code file} into {@code image} (position 0 to its length, the
     * limit), with O_DIRECT where the file system takes it: one read straight into the
     * codec's aligned buffer, no copy through the page cache and no cached pages left behind
     * (a restore reads each chunk file once). Otherwise, or when a direct read fails, buffered.
     *
     * @return the length of the file
     */
    private static long readImage(Path file, ByteBuffer image) throws IOException, IntegrityException {
        try {
            FileChannel direct = DurableFiles.openDirectRead(file);
            if (direct != null) {
                try (direct) {
                    return readInto(direct, image, true);
                } catch (ClosedChannelException e) {
                    throw e; // interrupted (a cancel): not a reason to stop reading with O_DIRECT
                } catch (IOException e) {
                    // refused alignment or an I/O error: the buffered read below reports a real one
                    DurableFiles.directReadFailed();
                }
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return readInto(ch, image, false);
            }
        } catch (NoSuchFileException e) {
            throw new IntegrityException(IntegrityException.MISSING, e);
        }
    }

    private static long readInto(FileChannel ch, ByteBuffer image, boolean direct)
            throws IOException, IntegrityException {
        image.clear();
        long size = ch.size();
        if (size > image.capacity()) {
            throw IntegrityException.unreadable("the file has " + size + " bytes, more than a chunk can have");
        }
        // a direct read asks for whole blocks (the image's capacity is a multiple of them); it stops at the end
        image.limit((int) (direct ? Math.min(image.capacity(), DurableFiles.roundUpDirect(size)) : size));
        // a short direct read is the end of the file (it shrank): reading on from there would not be aligned
        while (image.position() < size && (!direct || image.position() % DurableFiles.DIRECT_ALIGNMENT == 0)
                && ch.read(image) >= 0) {
            // keep reading
        }
        if (image.position() < size) {
            throw IntegrityException.unreadable("the file shrank while it was read");
        }
        image.limit((int) size).position(0);
        return size;
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
            long size = readImage(path(id), image);
            codec.open(id, dst);
            return size;
        } finally {
            codecs.release(codec);
        }
    }
}
