package io.ferry.repository.internal;

import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the JIT to compile SunJCE's AES-GCM with its intrinsics before the first chunk.
 * Without it, a chunk encrypted with one 4 MiB {@code doFinal} runs at about 50 MB/s, and
 * keeps doing so: the intrinsics are only used once the calling methods are compiled, which
 * takes many invocations that 4 MiB calls never provide (measured on this kind of machine:
 * ~10^4 small calls, about a second, fix it; afterwards a 4 MiB call runs at GB/s per
 * core). Runs once per service, in the
 * background; operations that encrypt or decrypt chunks wait for it (bounded).
 */
final class CipherWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(CipherWarmUp.class);
    static final int CALLS = 10_000;
    private static final int SMALL_MAX = 4096;
    private static final int LARGE = 1 << 20;
    private static final int LARGE_CALLS = 8;

    private final CompletableFuture<Duration> done;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean timeoutLogged = new AtomicBoolean();

    CipherWarmUp(Executor executor) {
        this.done = CompletableFuture.supplyAsync(() -> run(CALLS, stop), executor);
        warmUpChunkIds(executor);
    }

    private CipherWarmUp(CompletableFuture<Duration> done, Executor executor) {
        this.done = done;
        warmUpChunkIds(executor);
    }

    /** Chunk-id MAC calls of the warm-up: ~70 ms on one core here, while the repository's KDF runs. */
    static final int MAC_CALLS = 3_000;

    /**
     * Also gets the JIT to compile SunJCE's HMAC-SHA256 (every chunk id, on backup and on
     * restore's id check, goes through it, also with libcrypto) with its SHA-256 intrinsics,
     * in the background after the AES-GCM warm-up: nothing waits for it. Without it the
     * first chunk of each worker spent 50-100 ms in an interpreted SHA-256 (os-day2 restore,
     * 4 workers); with it, 4-19 ms.
     */
    private void warmUpChunkIds(Executor executor) {
        CompletableFuture.runAsync(() -> runChunkIds(MAC_CALLS, stop), executor).exceptionally(e -> {
            LOG.debug("HMAC-SHA256 warm-up failed; continuing (chunk ids may be slow for a while)", e);
            return null;
        });
    }

    /**
     * The warm-up chunks need: none when they are encrypted by libcrypto (only the small
     * manifests then go through SunJCE), else the SunJCE warm-up on {@code executor}.
     */
    static CipherWarmUp forChunks(Executor executor) {
        return LibCrypto.get().isPresent()
                ? new CipherWarmUp(CompletableFuture.completedFuture(Duration.ZERO), executor)
                : new CipherWarmUp(executor);
    }

    /** Waits for the warm-up, at most {@code max}; after that work goes on, just slower. */
    void await(Duration max) {
        try {
            Duration took = done.get(max.toMillis(), TimeUnit.MILLISECONDS);
            LOG.trace("AES-GCM warm-up took {}", took);
        } catch (TimeoutException e) {
            if (timeoutLogged.compareAndSet(false, true)) {
                LOG.warn("AES-GCM warm-up has not finished after {}; continuing (encryption may be slow for a while)", max);
            }
        } catch (ExecutionException e) {
            if (timeoutLogged.compareAndSet(false, true)) {
                LOG.warn("AES-GCM warm-up failed; continuing (encryption may be slow for a while)", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException(Reason.CANCELLED, "interrupted while waiting for the AES-GCM warm-up");
        }
    }

    boolean isDone() {
        return done.isDone();
    }

    void cancel() {
        stop.set(true);
    }

    /**
     * Encrypts and decrypts {@code calls} small messages (256 B to 4 KiB) under a throw-away
     * key, through the ByteBuffer paths the chunk codec uses (heap or direct plaintext to a
     * direct file image, direct image to heap), then 8 messages of 1 MiB (about 30 ms once
     * the small calls have done their work) so that the large-input path is compiled too.
     * Measured here on JDK 17 (CPU time, incompressible 4 MiB chunks through the codec):
     * without warm-up ~70 MB/s for at least 20 chunks; small calls only: 57, 147, then
     * 530 MB/s from the 9th chunk; small and large calls: 183, then 570-630 MB/s from the
     * 5th chunk. The {@code byte[]} and heap-to-heap paths stayed near 40 MB/s for 4 MiB
     * calls even after the warm-up, so the codec and the manifest store avoid them.
     */
    static Duration run(int calls, AtomicBoolean stop) {
        long start = System.nanoTime();
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] aad = new byte[44];
            byte[] nonce = new byte[12];
            ByteBuffer heapPlain = ByteBuffer.allocate(LARGE);
            ByteBuffer directPlain = ByteBuffer.allocateDirect(SMALL_MAX);
            ByteBuffer sealed = ByteBuffer.allocateDirect(LARGE + 16);
            ByteBuffer opened = ByteBuffer.allocate(LARGE);
            int counter = 0;
            for (int i = 0; i < calls + LARGE_CALLS && !stop.get(); i++) {
                boolean small = i < calls;
                int n = small ? 256 << (i % 5) : LARGE;
                ByteBuffer plain = small && (i & 1) == 1 ? directPlain : heapPlain;
                ByteBuffer.wrap(nonce).putInt(0, ++counter);
                enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                enc.updateAAD(aad);
                sealed.clear();
                enc.doFinal(plain.duplicate().position(0).limit(n), sealed);
                sealed.flip();
                dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                dec.updateAAD(aad);
                opened.clear();
                dec.doFinal(sealed, opened);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Computes {@code calls} HMAC-SHA256 of 4 KiB under a throw-away key, through the
     * {@code ByteBuffer} path {@link JceChunkCrypto#mac} uses (direct and heap buffers);
     * stops early when {@code stop} is set. Returns the calls made.
     */
    static int runChunkIds(int calls, AtomicBoolean stop) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            ByteBuffer direct = ByteBuffer.allocateDirect(SMALL_MAX);
            ByteBuffer heap = ByteBuffer.allocate(SMALL_MAX);
            byte[] out = new byte[mac.getMacLength()];
            int i = 0;
            for (; i < calls && !stop.get(); i++) {
                mac.update(((i & 1) == 0 ? direct : heap).duplicate());
                mac.doFinal(out, 0);
            }
            return i;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
        }
    }
}
