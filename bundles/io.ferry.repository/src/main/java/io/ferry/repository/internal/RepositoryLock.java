package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer lock of one repository directory, shared by every {@code Repository} the
 * service opened on it. Backups, restores and verifies hold it shared, prune exclusively.
 *
 * <p>Two levels: in this process, a small state machine (shared holders or one exclusive
 * holder; never waits, refuses with LOCKED); between processes, a {@link FileLock} on the
 * {@code lock} file, shared or exclusive, held while this process has any holder. The JVM
 * refuses overlapping FileLocks within one process, hence one OS lock per process with
 * counted holders. Not a {@code ReentrantReadWriteLock}: a writer is often closed by a
 * different thread than the one that opened it, which a read lock does not allow.
 *
 * <p>The OS releases the FileLock when a process dies, so a killed backup never blocks a
 * later prune. It also releases it when the process closes <em>any</em> descriptor of the
 * lock file (POSIX record locks), so this class never closes a channel of the lock file
 * while another one in the JVM may hold the lock. Holder records in {@code locks/} are only for messages; stale ones (from
 * killed processes) are ignored when their pid is gone and deleted by the next prune.
 */
final class RepositoryLock {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryLock.class);
    /** Beyond this many ids the dedupe cache stops growing and lookups fall back to the file system. */
    private static final int MAX_KNOWN_CHUNKS = 1 << 18;

    private final Path root;
    private final Path lockFile;
    private final Path holdersDir;
    private final String host;
    private final long pid;
    private final Clock clock;
    private final Map<String, LockHolder> shared = new LinkedHashMap<>();
    private final Set<ChunkId> known = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingBackupIds = ConcurrentHashMap.newKeySet();
    private LockHolder exclusive;
    private FileChannel channel;
    private FileLock fileLock;
    /** A lock file channel kept open after losing to another holder in this JVM; see {@link #lockFile}. */
    private FileChannel spareChannel;

    RepositoryLock(Path root, String host, Clock clock) {
        this.root = root;
        this.lockFile = root.resolve("lock");
        this.holdersDir = root.resolve("locks");
        this.host = host;
        this.pid = ProcessHandle.current().pid();
        this.clock = clock;
    }

    /** A held part of the lock; closing releases it (idempotent). */
    final class Lease implements AutoCloseable {
        private final LockHolder holder;
        private boolean released;

        private Lease(LockHolder holder) {
            this.holder = holder;
        }

        LockHolder holder() {
            return holder;
        }

        @Override
        public void close() {
            synchronized (RepositoryLock.this) {
                if (!released) {
                    released = true;
                    release(holder);
                }
            }
        }
    }

    /**
     * Takes the lock shared (backup, restore, verify).
     *
     * @throws RepositoryException LOCKED while a prune holds it, here or in another process
     */
    synchronized Lease shared(String operation, String detail) {
        if (exclusive != null) {
            throw beingPruned(Optional.of(exclusive));
        }
        if (shared.isEmpty() && !lockFile(true)) {
            throw beingPruned(otherHolders().stream().filter(h -> h.operation().equals(LockHolder.PRUNE)).findFirst());
        }
        LockHolder holder = newHolder(operation, detail);
        shared.put(holder.token(), holder);
        writeHolder(holder);
        return new Lease(holder);
    }

    /**
     * Takes the lock exclusively (prune).
     *
     * @throws RepositoryException LOCKED while anything else holds it, here or in another process
     */
    synchronized Lease exclusive(String operation, String detail) {
        if (exclusive != null) {
            throw beingPruned(Optional.of(exclusive));
        }
        if (!shared.isEmpty()) {
            throw inUse(List.copyOf(shared.values()));
        }
        if (!lockFile(false)) {
            List<LockHolder> others = otherHolders();
            Optional<LockHolder> prune = others.stream().filter(h -> h.operation().equals(LockHolder.PRUNE)).findFirst();
            if (prune.isPresent()) {
                throw beingPruned(prune);
            }
            throw inUse(others);
        }
        LockHolder holder = newHolder(operation, detail);
        exclusive = holder;
        known.clear();
        deleteStaleHolders();
        writeHolder(holder);
        return new Lease(holder);
    }

    /** Chunk ids known to be stored; valid only while this process holds the OS lock shared. */
    boolean isKnown(ChunkId id) {
        return known.contains(id);
    }

    void markKnown(ChunkId id) {
        if (known.size() < MAX_KNOWN_CHUNKS) {
            known.add(id);
        }
    }

    /** A chunk that is no longer known to be stored (verify moved it aside). */
    void forget(ChunkId id) {
        known.remove(id);
    }

    /** Reserves a backup id among the backups being written in this process; false when taken. */
    boolean reserveBackupId(String id) {
        return pendingBackupIds.add(id);
    }

    void releaseBackupId(String id) {
        pendingBackupIds.remove(id);
    }

    private void release(LockHolder holder) {
        if (exclusive != null && exclusive.token().equals(holder.token())) {
            exclusive = null;
        } else {
            shared.remove(holder.token());
        }
        deleteHolder(holder);
        if (exclusive == null && shared.isEmpty()) {
            known.clear();
            unlockFile();
        }
    }

    private boolean lockFile(boolean sharedMode) {
        try {
            FileChannel ch = spareChannel != null ? spareChannel : openLockFile(sharedMode);
            spareChannel = null;
            FileLock lock;
            try {
                lock = ch.tryLock(0, Long.MAX_VALUE, sharedMode);
            } catch (OverlappingFileLockException e) {
                // Another service instance in this JVM holds it. Closing this channel would
                // drop that lock too (POSIX record locks belong to the process and go away
                // when any of its descriptors of the file is closed): keep it for the next try.
                spareChannel = ch;
                return false;
            }
            if (lock == null) {
                ch.close(); // another process holds it; nothing in this JVM does
                return false;
            }
            channel = ch;
            fileLock = lock;
            return true;
        } catch (IOException | NonWritableChannelException e) {
            throw new RepositoryException(Reason.IO, "cannot lock repository " + root + ": cannot use " + lockFile
                    + ": " + e + " (check that the repository is writable)", e);
        }
    }

    private FileChannel openLockFile(boolean sharedMode) throws IOException {
        try {
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            if (!sharedMode || !Files.exists(lockFile)) {
                throw e;
            }
            // a read-only repository can still be restored from and verified
            return FileChannel.open(lockFile, StandardOpenOption.READ);
        }
    }

    private void unlockFile() {
        try {
            if (fileLock != null) {
                fileLock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("Cannot release the lock on {}; it is released when this process ends", lockFile, e);
        } finally {
            fileLock = null;
            channel = null;
        }
    }

    private LockHolder newHolder(String operation, String detail) {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        String token = pid + "-" + HexFormat.of().formatHex(random);
        return new LockHolder(token, pid, host, operation, detail, clock.instant());
    }

    private void writeHolder(LockHolder holder) {
        try {
            Files.createDirectories(holdersDir);
            Files.writeString(holdersDir.resolve(holder.token()), holder.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // only used for messages; a full or read-only file system must not stop the operation
            LOG.debug("Cannot record lock holder {} in {}", holder, holdersDir, e);
        }
    }

    private void deleteHolder(LockHolder holder) {
        try {
            Files.deleteIfExists(holdersDir.resolve(holder.token()));
        } catch (IOException e) {
            LOG.debug("Cannot delete lock holder record {}", holder.token(), e);
        }
    }

    /** Holder records of other processes that may still be alive. */
    private List<LockHolder> otherHolders() {
        List<LockHolder> holders = new ArrayList<>();
        if (!Files.isDirectory(holdersDir)) {
            return holders;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(holdersDir)) {
            for (Path f : files) {
                try {
                    LockHolder h = LockHolder.parse(f.getFileName().toString(), Files.readString(f));
                    boolean gone = h.host().equals(host) && h.pid() != pid
                            && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
                    if (!gone) {
                        holders.add(h);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Ignoring unreadable lock holder record {}", f, e);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot list lock holders in {}", holdersDir, e);
        }
        holders.sort(java.util.Comparator.comparing(LockHolder::since));
        return holders;
    }

    private void deleteStaleHolders() {
        if (!Files.isDirectory(holdersDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(holdersDir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.debug("Cannot clean stale lock holder records in {}", holdersDir, e);
        }
    }

    private RepositoryException beingPruned(Optional<LockHolder> pruner) {
        String who = pruner.map(h -> " (" + h.who() + ")").orElse(" by another process");
        return new RepositoryException(Reason.LOCKED, "repository " + root + " is being pruned" + who
                + "; try again when the prune has finished");
    }

    private RepositoryException inUse(List<LockHolder> holders) {
        if (holders.isEmpty()) {
            return new RepositoryException(Reason.LOCKED, "repository " + root + " is in use by another process"
                    + " (no holder records in " + holdersDir + "); try again when its backups have finished");
        }
        return new RepositoryException(Reason.LOCKED, "repository " + root + " is in use: "
                + holders.stream().map(LockHolder::describe).collect(Collectors.joining("; "))
                + "; prune again when " + (holders.size() == 1 ? "it has" : "they have") + " finished");
    }

    Instant now() {
        return clock.instant();
    }
}
