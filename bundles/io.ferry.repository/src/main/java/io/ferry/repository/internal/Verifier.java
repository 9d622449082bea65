package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.VerifyReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.TreeSet;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back every distinct chunk of the chosen backups: decrypts (which checks the GCM
 * tag), decompresses and recomputes the id. One task per processor, each with its own
 * chunk buffer, pulls chunks from the shared set.
 *
 * <p>Heals what it can: damaged chunk files are recorded ({@link DamagedChunks}) and then
 * moved aside, so that the next backup carrying the same data writes them again; chunks the
 * record lists that are intact again are reported as healed with the backups they heal.
 * Nothing else is written, and nothing at all when the record does not change.
 */
final class Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final FileRepository repository;
    private final RepositoryEnvironment env;

    Verifier(FileRepository repository, RepositoryEnvironment env) {
        this.repository = repository;
        this.env = env;
    }

    VerifyReport run(List<String> requested, ProgressListener listener) throws IOException {
        ManifestStore manifests = repository.manifests();
        ManifestStore.Listing listing = manifests.list();
        Set<String> chosen = new LinkedHashSet<>();
        if (requested.isEmpty()) {
            chosen.addAll(listing.allIds());
        } else {
            requested.forEach(r -> chosen.add(repository.resolve(listing, r)));
        }
        List<ChunkProblem> problems = new ArrayList<>();
        ChunkIdSet distinct = new ChunkIdSet();
        long total = 0;
        for (String id : chosen) {
            checkCancel(listener);
            String unreadable = listing.unreadable().get(id);
            if (unreadable != null) {
                problems.add(manifestProblem(id, unreadable));
                continue;
            }
            Manifest manifest;
            try {
                manifest = manifests.read(id);
            } catch (IntegrityException e) {
                problems.add(manifestProblem(id, e.problem()));
                continue;
            }
            ChunkTable table = manifest.table();
            for (long i = 0; i < table.count(); i++) {
                if (table.isData(i) && distinct.add(table.page(i), ChunkTable.offsetInPage(i))) {
                    total += manifest.chunkLength(i);
                }
            }
        }
        Map<ChunkId, DamagedChunks.Damage> previous = repository.damaged().read();
        Map<ChunkId, String> bad = new ConcurrentHashMap<>();
        long storedBytes = check(distinct, new ProgressTicker("verify", total, listener), bad);
        Set<ChunkId> watched = new HashSet<>(bad.keySet());
        watched.addAll(previous.keySet());
        Map<ChunkId, Set<String>> users = users(listing, watched);

        Map<ChunkId, DamagedChunks.Damage> record = new TreeMap<>();
        previous.forEach((id, damage) -> {
            if (!contains(distinct, id) && users.containsKey(id)) {
                record.put(id, damage); // not checked this time and still used: stays recorded
            }
        });
        Map<ChunkId, String> shown = new TreeMap<>();
        bad.forEach((id, problem) -> {
            DamagedChunks.Damage earlier = previous.get(id);
            Set<String> broken = users.getOrDefault(id, Set.of());
            boolean movedEarlier = IntegrityException.MISSING.equals(problem) && earlier != null
                    && !IntegrityException.MISSING.equals(earlier.problem())
                    && Files.exists(repository.chunks().badPath(id));
            record.put(id, new DamagedChunks.Damage(movedEarlier ? earlier.problem() : problem, broken));
            shown.put(id, movedEarlier ? "missing: moved aside as " + id.hex() + ChunkStore.BAD_SUFFIX + " by an"
                    + " earlier verify (" + earlier.problem() + "); the next backup of the same data writes it again"
                    : problem);
        });
        if (!record.equals(previous)) {
            writeRecord(record, shown);
        }
        List<String> movedAside = new ArrayList<>();
        for (ChunkId id : new TreeSet<>(bad.keySet())) {
            if (!IntegrityException.MISSING.equals(bad.get(id))) {
                moveAside(id, shown, movedAside);
            }
        }
        shown.forEach((id, problem) -> problems.add(new ChunkProblem(id.hex(), problem,
                List.copyOf(users.getOrDefault(id, Set.of())))));
        problems.sort(Comparator.comparing(ChunkProblem::chunk));
        Set<String> broken = new VerifyReport(List.copyOf(chosen), 0, 0, problems).brokenBackups();
        List<String> healedChunks = new ArrayList<>();
        Set<String> healedBackups = new HashSet<>();
        new TreeMap<>(previous).forEach((id, damage) -> {
            if (contains(distinct, id) && !bad.containsKey(id)) {
                healedChunks.add(id.hex());
                damage.backups().stream().filter(b -> chosen.contains(b) && !broken.contains(b))
                        .forEach(healedBackups::add);
            }
        });
        // in the order of the listing: oldest first
        List<String> healedInOrder = chosen.stream().filter(healedBackups::contains).toList();
        return new VerifyReport(List.copyOf(chosen), distinct.size(), storedBytes, problems, movedAside, healedChunks,
                healedInOrder);
    }

    private static boolean contains(ChunkIdSet set, ChunkId id) {
        return set.contains(id.toBytes(), 0);
    }

    /**
     * Records what is damaged before anything is moved aside, so that a writer started after a
     * move always finds the chunk recorded. A repository that cannot be written (read-only
     * mount) is still verified; the problems then say that nothing was recorded.
     */
    private void writeRecord(Map<ChunkId, DamagedChunks.Damage> record, Map<ChunkId, String> shown) {
        try {
            repository.damaged().write(record);
        } catch (IOException e) {
            LOG.warn("Cannot record the damaged chunks in {}", repository.damaged().file(), e);
            shown.replaceAll((id, p) -> p + " (not recorded in " + repository.damaged().file() + ": "
                    + e.getMessage() + ")");
        }
    }

    /** Moves a damaged chunk file aside, unless it was written again meanwhile (then it is intact). */
    private void moveAside(ChunkId id, Map<ChunkId, String> shown, List<String> movedAside) {
        ChunkStore chunks = repository.chunks();
        try {
            if (chunks.intact(id)) {
                return; // a backup wrote it again since it was read
            }
            if (chunks.moveAside(id)) {
                movedAside.add(id.hex());
                shown.computeIfPresent(id, (k, p) -> p + "; moved aside as " + id.hex() + ChunkStore.BAD_SUFFIX
                        + ", the next backup of the same data writes it again");
            }
        } catch (IOException e) {
            LOG.warn("Cannot move the damaged chunk file {} aside", chunks.path(id), e);
            shown.computeIfPresent(id, (k, p) -> p + " (could not be moved aside: " + e.getMessage() + ")");
        }
    }

    private long check(ChunkIdSet distinct, ProgressTicker ticker, Map<ChunkId, String> bad) throws IOException {
        AtomicInteger cursor = new AtomicInteger();
        AtomicLong storedBytes = new AtomicLong();
        AtomicBoolean cancelled = new AtomicBoolean();
        int chunkSize = repository.config().chunkSize();
        int tasks = Math.max(1, Math.min(env.parallelism(), distinct.size()));
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            futures.add(env.workers().submit(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(chunkSize);
                int slot;
                while ((slot = nextUsed(distinct, cursor)) >= 0) {
                    if (cancelled.get() || ticker.cancelRequested()) {
                        cancelled.set(true);
                        return null;
                    }
                    ChunkId id = distinct.get(slot);
                    buffer.clear();
                    try {
                        long size = repository.chunks().read(id, buffer);
                        storedBytes.addAndGet(size);
                        ticker.advance(buffer.position(), size, 0);
                    } catch (IntegrityException e) {
                        bad.put(id, e.problem());
                    } catch (IOException e) {
                        bad.put(id, "unreadable: " + e.getMessage());
                    }
                }
                return null;
            }));
        }
        awaitAll(futures, cancelled);
        ticker.finish();
        if (cancelled.get()) {
            throw new RepositoryException(Reason.CANCELLED, "verify of repository " + repository.root()
                    + " was cancelled; nothing was changed");
        }
        return storedBytes.get();
    }

    private static int nextUsed(ChunkIdSet set, AtomicInteger cursor) {
        while (true) {
            int slot = cursor.getAndIncrement();
            if (slot >= set.capacity()) {
                return -1;
            }
            if (set.isUsed(slot)) {
                return slot;
            }
        }
    }

    private static void awaitAll(List<Future<?>> futures, AtomicBoolean cancelled) throws IOException {
        boolean interrupted = false;
        Throwable failure = null;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancelled.set(true);
                } catch (ExecutionException e) {
                    cancelled.set(true);
                    failure = failure == null ? e.getCause() : failure;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    /** Every backup in the repository that references one of {@code watched}, by chunk. */
    private Map<ChunkId, Set<String>> users(ManifestStore.Listing listing, Set<ChunkId> watched) throws IOException {
        Map<ChunkId, Set<String>> users = new TreeMap<>();
        if (watched.isEmpty()) {
            return users;
        }
        ChunkIdSet watchSet = new ChunkIdSet();
        watched.forEach(id -> watchSet.add(id.toBytes(), 0));
        byte[] idBytes = new byte[ChunkId.LENGTH];
        for (var backup : listing.backups()) {
            ChunkTable table;
            try {
                table = repository.manifests().read(backup.id()).table();
            } catch (IntegrityException e) {
                continue; // reported as a manifest problem when chosen
            }
            for (long i = 0; i < table.count(); i++) {
                if (table.isData(i) && watchSet.contains(table.page(i), ChunkTable.offsetInPage(i))) {
                    table.copyId(i, idBytes, 0);
                    users.computeIfAbsent(ChunkId.of(idBytes), k -> new LinkedHashSet<>()).add(backup.id());
                }
            }
        }
        return users;
    }

    private static ChunkProblem manifestProblem(String id, String problem) {
        return new ChunkProblem("manifest " + id, "unreadable manifest: " + problem, List.of(id));
    }

    private void checkCancel(ProgressListener listener) {
        if (Thread.currentThread().isInterrupted() || listener.cancelRequested()) {
            throw new RepositoryException(Reason.CANCELLED, "verify of repository " + repository.root()
                    + " was cancelled; nothing was changed");
        }
    }
}
