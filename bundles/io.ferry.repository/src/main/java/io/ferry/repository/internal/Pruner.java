package io.ferry.repository.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.RetentionPolicy;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies a retention policy, then collects garbage by mark and sweep. Runs under the
 * exclusive lock, so no backup is being written anywhere. Order matters for crash safety:
 * manifests are deleted (and the directory synced) before any chunk, and a chunk is only
 * deleted when no remaining manifest references it; an interruption at any point leaves
 * every remaining backup complete, and the next prune finishes the sweep.
 */
final class Pruner {

    private final FileRepository repository;

    Pruner(FileRepository repository) {
        this.repository = repository;
    }

    PruneReport run(RetentionPolicy policy, boolean dryRun, ProgressListener listener, Runnable afterManifestsDeleted)
            throws IOException {
        ManifestStore manifests = repository.manifests();
        ManifestStore.Listing listing = manifests.list();
        if (!listing.unreadable().isEmpty()) {
            throw new RepositoryException(Reason.CORRUPT, "cannot prune repository " + repository.root() + ": the"
                    + " manifests of " + listing.unreadable() + " cannot be read, so the chunks they use are unknown;"
                    + " run ferry:verify and move the broken files out of " + manifests.dir() + " first (nothing was changed)");
        }
        Set<String> keep = keep(listing.backups(), policy);
        keepLocked(listing.backups(), keep);
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (BackupInfo b : listing.backups()) {
            (keep.contains(b.id()) ? kept : removed).add(b.id());
        }
        checkCancel(listener, "nothing was changed");
        if (!dryRun) {
            for (String id : removed) {
                manifests.delete(id);
            }
            DurableFiles.syncDirectory(manifests.dir());
            for (String id : removed) {
                Files.deleteIfExists(repository.root().resolve(StorePolicy.RETENTION_DIR).resolve(id));
                ReferenceRecords.delete(repository.root(), id);
            }
            afterManifestsDeleted.run();
        }
        ChunkIdSet marked = mark(kept, listener);
        long[] swept = sweep(marked, dryRun, listener);
        if (!dryRun) {
            forgetUnusedDamage(marked);
            cleanTmp();
        }
        return new PruneReport(removed, kept, swept[0], swept[1], dryRun);
    }

    private static Set<String> keep(List<BackupInfo> backups, RetentionPolicy policy) {
        Map<String, List<BackupInfo>> byDisk = new TreeMap<>();
        backups.forEach(b -> byDisk.computeIfAbsent(b.disk(), d -> new ArrayList<>()).add(b));
        Retention retention = new Retention(policy);
        Set<String> keep = new HashSet<>();
        byDisk.values().forEach(list -> keep.addAll(retention.keep(list)));
        return keep;
    }

    /**
     * Backups a repository store locked until a later date (docs/repository-format.md,
     * "Key side and storage side") are kept whatever the policy says: the lock binds every
     * prune, a local one too.
     */
    private void keepLocked(List<BackupInfo> backups, Set<String> keep) throws IOException {
        java.time.Instant now = repository.lock().now();
        for (BackupInfo b : backups) {
            if (!keep.contains(b.id())
                    && StorePolicy.lockedUntil(repository.root(), b.id()).filter(now::isBefore).isPresent()) {
                keep.add(b.id());
            }
        }
    }

    private ChunkIdSet mark(List<String> kept, ProgressListener listener) throws IOException {
        ChunkIdSet marked = new ChunkIdSet();
        ProgressTicker ticker = new ProgressTicker("mark", kept.size(), listener);
        for (String id : kept) {
            checkCancel(listener, "no chunk was deleted");
            ChunkTable table;
            try {
                table = repository.manifests().read(id).table();
            } catch (IntegrityException e) {
                throw new RepositoryException(Reason.CORRUPT, "cannot prune repository " + repository.root()
                        + ": the manifest of backup " + id + " cannot be read (" + e.problem() + "); no chunk was"
                        + " deleted; run ferry:verify", e);
            }
            for (long i = 0; i < table.count(); i++) {
                if (table.isData(i)) {
                    marked.add(table.page(i), ChunkTable.offsetInPage(i));
                }
            }
            ticker.advance(1, 0, 0);
        }
        ticker.finish();
        return marked;
    }

    /** Deletes (or, for a dry run, counts) unmarked chunk files; returns {count, bytes}. */
    private long[] sweep(ChunkIdSet marked, boolean dryRun, ProgressListener listener) throws IOException {
        List<Path> dirs = repository.chunkDirs();
        ProgressTicker ticker = new ProgressTicker("sweep", dirs.size(), listener);
        long count = 0;
        long bytes = 0;
        for (Path dir : dirs) {
            checkCancel(listener, "every remaining backup is complete; the next prune finishes the sweep");
            long[] swept = sweep(dir, marked, dryRun);
            count += swept[0];
            bytes += swept[1];
            ticker.advance(1, 0, 0);
        }
        ticker.finish();
        return new long[] {count, bytes};
    }

    /**
     * Deletes (or, for a dry run, counts) the garbage in one chunk directory: chunk files not in
     * {@code marked}, and damaged chunks a verify moved aside once no backup needs the chunk or
     * it was written again. Returns {count, bytes}. The local prune and the storage side's prune
     * sweep with this one rule.
     */
    static long[] sweep(Path dir, ChunkIdSet marked, boolean dryRun) throws IOException {
        HexFormat hex = HexFormat.of();
        List<Path> garbage = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (FileRepository.CHUNK_NAME.matcher(name).matches()) {
                    if (!marked.contains(hex.parseHex(name), 0)) {
                        garbage.add(f);
                    }
                } else if (isBad(name)) {
                    // a damaged chunk moved aside by verify: garbage once no backup needs the chunk
                    // or it was written again
                    String chunk = name.substring(0, name.length() - ChunkStore.BAD_SUFFIX.length());
                    if (!marked.contains(hex.parseHex(chunk), 0) || Files.exists(dir.resolve(chunk))) {
                        garbage.add(f);
                    }
                }
            }
        }
        long count = 0;
        long bytes = 0;
        for (Path f : garbage) {
            try {
                long size = Files.size(f);
                if (!dryRun) {
                    Files.delete(f);
                }
                count++;
                bytes += size;
            } catch (NoSuchFileException e) {
                // already gone
            }
        }
        return new long[] {count, bytes};
    }

    private static boolean isBad(String name) {
        return name.endsWith(ChunkStore.BAD_SUFFIX) && FileRepository.CHUNK_NAME.matcher(
                name.substring(0, name.length() - ChunkStore.BAD_SUFFIX.length())).matches();
    }

    /** Damaged chunks that no remaining backup uses need no healing: dropped from the record. */
    private void forgetUnusedDamage(ChunkIdSet marked) throws IOException {
        DamagedChunks damaged = repository.damaged();
        Map<io.ferry.api.repository.ChunkId, DamagedChunks.Damage> record = damaged.read();
        if (record.keySet().removeIf(id -> !marked.contains(id.toBytes(), 0))) {
            damaged.write(record);
        }
    }

    /** Leftovers of interrupted writes; no writer exists while the exclusive lock is held. */
    private void cleanTmp() throws IOException {
        Path tmp = repository.root().resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            Files.createDirectories(tmp);
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private void checkCancel(ProgressListener listener, String state) {
        if (Thread.currentThread().isInterrupted() || listener.cancelRequested()) {
            throw new RepositoryException(Reason.CANCELLED, "prune of repository " + repository.root()
                    + " was cancelled; " + state);
        }
    }
}
