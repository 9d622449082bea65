package io.ferry.repository.internal;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import net.jpountz.lz4.LZ4Factory;

/**
 * What the service shares with the repositories it opens: worker threads, the LZ4
 * implementation, randomness, the clock, the cipher warm-up and one lock per repository
 * directory.
 */
final class RepositoryEnvironment {

    static final Duration WARM_UP_WAIT = Duration.ofSeconds(20);

    private final ExecutorService workers;
    private final int parallelism;
    private final LZ4Factory lz4;
    private final SecureRandom random;
    private final Clock clock;
    private final String host;
    private final CipherWarmUp warmUp;
    private final Map<Path, RepositoryLock> locks = new ConcurrentHashMap<>();

    RepositoryEnvironment(ExecutorService workers, int parallelism, LZ4Factory lz4, SecureRandom random, Clock clock,
            String host, CipherWarmUp warmUp) {
        this.workers = workers;
        this.parallelism = parallelism;
        this.lz4 = lz4;
        this.random = random;
        this.clock = clock;
        this.host = host;
        this.warmUp = warmUp;
    }

    ExecutorService workers() {
        return workers;
    }

    /** Threads verify uses (and buffers it allocates): the number of processors. */
    int parallelism() {
        return parallelism;
    }

    LZ4Factory lz4() {
        return lz4;
    }

    SecureRandom random() {
        return random;
    }

    Clock clock() {
        return clock;
    }

    /** The lock of a repository directory (by its real path), shared by all its open instances. */
    RepositoryLock lock(Path realRoot) {
        return locks.computeIfAbsent(realRoot, p -> new RepositoryLock(p, host, clock));
    }

    void awaitWarmUp() {
        warmUp.await(WARM_UP_WAIT);
    }
}
