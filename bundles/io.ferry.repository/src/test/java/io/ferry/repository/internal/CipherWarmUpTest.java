package io.ferry.repository.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The background warm-up of a repository service: bounded, and it stops when the service closes. */
class CipherWarmUpTest {

    @Test
    void theChunkIdWarmUpMakesItsCallsAndStopsWhenCancelled() {
        assertEquals(50, CipherWarmUp.runChunkIds(50, new AtomicBoolean()));
        assertEquals(0, CipherWarmUp.runChunkIds(CipherWarmUp.MAC_CALLS, new AtomicBoolean(true)),
                "a closed service does no warm-up work");
    }

    @Test
    void withLibcryptoNothingWaitsForTheWarmUpAndItsThreadEndsAfterTheChunkIdCalls() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            CipherWarmUp warmUp = CipherWarmUp.forChunks(background);
            if (LibCrypto.get().isPresent()) {
                assertTrue(warmUp.isDone(), "operations do not wait for the chunk-id warm-up");
            }
            warmUp.await(Duration.ofSeconds(60));
            assertTrue(warmUp.isDone());
            background.shutdown();
            assertTrue(background.awaitTermination(60, TimeUnit.SECONDS), "the warm-up ends by itself");
        } finally {
            background.shutdownNow();
        }
    }
}
