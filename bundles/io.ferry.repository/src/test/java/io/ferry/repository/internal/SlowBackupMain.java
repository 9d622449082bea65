package io.ferry.repository.internal;

import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RetentionPolicy;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Random;

/**
 * Run in a child JVM by {@link KilledProcessTest} until it is killed. Arguments: repository
 * directory, password, mode. Mode "backup" backs up a large disk of random data slowly,
 * printing "STORED n" after each chunk. Mode "prune" prunes to the last backup and stops
 * between deleting manifests and sweeping, printing "PRUNING". Mode "remote" is "backup" through
 * a repository store and a link in this JVM (a repository server with its proxy), printing
 * "UPLOADED n" after each chunk acknowledged by the store. Mode "probe-lock" tries
 * the repository's OS lock once and prints "LOCK FREE" or "LOCK HELD".
 */
public final class SlowBackupMain {

    private SlowBackupMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args[2].equals("probe-lock")) {
            probeLock(Path.of(args[0]).resolve("lock"));
            return;
        }
        if (args[2].equals("remote")) {
            remote(Path.of(args[0]), args[1].toCharArray());
            return;
        }
        RepositoryServiceImpl service = new RepositoryServiceImpl();
        try (service; Repository repo = service.open(Path.of(args[0]), args[1].toCharArray())) {
            if (args[2].equals("prune")) {
                ((FileRepository) repo).afterManifestsDeleted(SlowBackupMain::waitForever);
                repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
                return;
            }
            long chunks = 100_000;
            long size = chunks * repo.info().chunkSize();
            try (BackupWriter w = repo.startBackup(BackupRequest.of("slow", "test:slow", size))) {
                Random random = new Random(42);
                byte[] data = new byte[w.chunkSize()];
                for (long i = 0; i < chunks; i++) {
                    random.nextBytes(data);
                    w.put(i, Optional.of(w.store(ByteBuffer.wrap(data)).id()));
                    System.out.println("STORED " + (i + 1));
                    Thread.sleep(20);
                }
                w.commit(chunks * data.length, "full");
            }
        }
    }

    private static void remote(Path dir, char[] password) throws Exception {
        try (io.ferry.repository.remote.RepositoryStore store = io.ferry.repository.remote.RepositoryStore.open(dir)) {
            CopyingLink link = new CopyingLink(store);
            // one chunk per batch, one upload in flight: every store() is acknowledged before the next
            io.ferry.repository.remote.RemoteOptions options = new io.ferry.repository.remote.RemoteOptions(1, 1, 1,
                    1, java.time.Duration.ofSeconds(60));
            try (Repository repo = io.ferry.repository.remote.RemoteRepositories.open(link, password, options)) {
                long chunks = 100_000;
                long size = chunks * repo.info().chunkSize();
                try (BackupWriter w = repo.startBackup(BackupRequest.of("slow", "test:slow", size))) {
                    Random random = new Random(42);
                    byte[] data = new byte[w.chunkSize()];
                    for (long i = 0; i < chunks; i++) {
                        random.nextBytes(data);
                        w.put(i, Optional.of(w.store(ByteBuffer.wrap(data)).id()));
                        if (link.putCalls.get() > 1) {
                            System.out.println("UPLOADED " + (link.putCalls.get() - 1));
                        }
                        Thread.sleep(20);
                    }
                    w.commit(chunks * data.length, "full");
                }
            }
        }
    }

    /** Prints "LOCK FREE" when it could take the repository lock exclusively, else "LOCK HELD". */
    private static void probeLock(Path lockFile) throws Exception {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, false);
            System.out.println(lock == null ? "LOCK HELD" : "LOCK FREE");
        }
    }

    private static void waitForever() {
        System.out.println("PRUNING");
        System.out.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
