package io.ferry.repository.internal;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import net.jpountz.lz4.LZ4Factory;

/**
 * Codecs of one open repository, handed to whichever thread needs one. A pool rather than
 * ThreadLocals: the caller's threads (the mover's readers) come and go, and the buffers
 * (about two chunks per codec) must not outlive the repository. At most {@code maxIdle}
 * codecs are kept between uses, so memory follows the peak parallelism of the caller.
 */
final class ChunkCodecPool {

    private final MasterKeys keys;
    private final int chunkSize;
    private final LZ4Factory lz4;
    private final SecureRandom random;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<ChunkCodec> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    ChunkCodecPool(MasterKeys keys, int chunkSize, LZ4Factory lz4, SecureRandom random, int maxIdle) {
        this.keys = keys;
        this.chunkSize = chunkSize;
        this.lz4 = lz4;
        this.random = random;
        this.maxIdle = maxIdle;
    }

    int chunkSize() {
        return chunkSize;
    }

    ChunkCodec borrow() {
        ChunkCodec codec = idle.pollFirst();
        if (codec == null) {
            return new ChunkCodec(keys, chunkSize, lz4, random);
        }
        idleCount.decrementAndGet();
        return codec;
    }

    void release(ChunkCodec codec) {
        if (idleCount.incrementAndGet() <= maxIdle) {
            idle.addFirst(codec);
        } else {
            idleCount.decrementAndGet();
            codec.close();
        }
    }

    /** Frees the idle codecs (a codec still borrowed is freed when it is released beyond the limit, or by GC). */
    void clear() {
        for (ChunkCodec codec; (codec = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            codec.close();
        }
    }
}
