package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import io.ferry.api.repository.ChunkProblem;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.api.repository.VerifyReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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

/**
 * Reads back every distinct chunk of the chosen backups: decrypts (which checks the GCM
 * tag), decompresses and recomputes the id. One task per processor, each with its own
 * chunk buffer, pulls chunks from the shared set. Never writes to the repository.
 */
final class Verifier {

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
        Map<ChunkId, String> bad = new ConcurrentHashMap<>();
        long storedBytes = check(distinct, new ProgressTicker("verify", total, listener), bad);
        problems.addAll(chunkProblems(listing, bad));
        problems.sort(Comparator.comparing(ChunkProblem::chunk));
        return new VerifyReport(List.copyOf(chosen), distinct.size(), storedBytes, problems);
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

    /** Problems of bad chunks, each with every backup in the repository that references it. */
    private List<ChunkProblem> chunkProblems(ManifestStore.Listing listing, Map<ChunkId, String> bad)
            throws IOException {
        if (bad.isEmpty()) {
            return List.of();
        }
        ChunkIdSet badSet = new ChunkIdSet();
        bad.keySet().forEach(id -> badSet.add(id.toBytes(), 0));
        Map<ChunkId, Set<String>> users = new TreeMap<>();
        byte[] idBytes = new byte[ChunkId.LENGTH];
        for (var backup : listing.backups()) {
            ChunkTable table;
            try {
                table = repository.manifests().read(backup.id()).table();
            } catch (IntegrityException e) {
                continue; // reported as a manifest problem when chosen
            }
            for (long i = 0; i < table.count(); i++) {
                if (table.isData(i) && badSet.contains(table.page(i), ChunkTable.offsetInPage(i))) {
                    table.copyId(i, idBytes, 0);
                    users.computeIfAbsent(ChunkId.of(idBytes), k -> new LinkedHashSet<>()).add(backup.id());
                }
            }
        }
        List<ChunkProblem> problems = new ArrayList<>();
        bad.forEach((id, problem) -> problems.add(new ChunkProblem(id.hex(), problem,
                List.copyOf(users.getOrDefault(id, Set.of())))));
        return problems;
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
