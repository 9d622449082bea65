package io.ferry.mover.internal.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.ValidationException;
import io.ferry.mover.internal.testing.Images;
import io.ferry.mover.internal.testing.NbdServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every NBD request has a deadline and can be cancelled (issue 10, "a hung source hangs
 * everything"): real nbdkit servers whose delay filter holds requests for 10 minutes
 * ({@code rdelay}, {@code delay-extents}, {@code wdelay}), which is what a hung storage
 * server looks like to the proxy.
 */
@Timeout(120)
class NbdDeadlineTest {

    private static final int MIB = Images.MIB;
    /** Generous for a loaded 2-core box: the deadline itself is what is tested, not speed. */
    private static final long SLACK_MILLIS = 8_000;

    @TempDir
    static Path dir;
    static Path raw;

    @BeforeAll
    static void image() {
        raw = Images.raw(dir.resolve("disk.raw"));
    }

    @Test
    void aReadWithoutAReplyFailsAtTheDeadlineNamingTheExportTheRangeAndTheDeadline() throws Exception {
        DiskSourcesImpl sources = new DiskSourcesImpl(Duration.ofSeconds(2));
        try (NbdServer server = NbdServer.nbdkit(raw).delayed("rdelay=600").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> source.read(ByteBuffer.allocateDirect(MIB), 4L * MIB));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 2_000 && millis < 2_000 + SLACK_MILLIS, "failed after " + millis + " ms: " + e);
            String message = e.getMessage();
            assertTrue(message.contains(server.uri()), message);
            assertTrue(message.contains("nbd_pread") && message.contains("1048576 bytes at 4194304"), message);
            assertTrue(message.contains("no reply within 2 s") && message.contains("deadline"), message);
            assertTrue(server.isAlive(), "the server is hung, not gone: only the deadline ended the read");

            long closing = System.nanoTime();
            source.close();
            assertTrue(System.nanoTime() - closing < TimeUnit.SECONDS.toNanos(5), "closing waits for the hung server");
        }
    }

    @Test
    void blockStatusWithoutAReplyFailsAtTheDeadline() throws Exception {
        DiskSourcesImpl sources = new DiskSourcesImpl(Duration.ofSeconds(2));
        try (NbdServer server = NbdServer.nbdkit(raw).delayed("delay-extents=600").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> source.extents(0, source.size()));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 2_000 && millis < 2_000 + SLACK_MILLIS, "failed after " + millis + " ms: " + e);
            assertTrue(e.getMessage().contains(server.uri()) && e.getMessage().contains("base:allocation")
                    && e.getMessage().contains("no reply within 2 s"), e.getMessage());
        }
    }

    @Test
    void aWriteWithoutAReplyFailsAtTheDeadline() throws Exception {
        Path copy = Files.copy(raw, dir.resolve("target.raw"));
        DiskSourcesImpl sources = new DiskSourcesImpl(Duration.ofSeconds(2));
        try (NbdServer server = NbdServer.nbdkit(copy).writable().delayed("wdelay=600").start(dir);
                DiskTarget target = sources.create(server.uri(), Images.SIZE, true, SourceOptions.defaults())) {
            ByteBuffer data = ByteBuffer.allocateDirect(MIB);
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> target.write(data, 0));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 2_000 && millis < 2_000 + SLACK_MILLIS, "failed after " + millis + " ms: " + e);
            assertTrue(e.getMessage().contains(server.uri()) && e.getMessage().contains("nbd_pwrite")
                    && e.getMessage().contains("no reply within 2 s"), e.getMessage());
        }
    }

    @Test
    void cancellingEndsAStalledReadWithinSeconds() throws Exception {
        DiskSourcesImpl sources = new DiskSourcesImpl();
        assertEquals(Duration.ofSeconds(120), sources.requestTimeout(), "the default deadline");
        AtomicBoolean cancelled = new AtomicBoolean();
        try (NbdServer server = NbdServer.nbdkit(raw).delayed("rdelay=600").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            ((CancellableIo) source).cancelWhen(cancelled::get);
            CountDownLatch reading = new CountDownLatch(1);
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
                reading.countDown();
                try {
                    source.read(ByteBuffer.allocateDirect(MIB), 0);
                } catch (IOException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            reading.await();
            Thread.sleep(1_000);
            assertTrue(!read.isDone(), "the read waits on the hung server");
            long start = System.nanoTime();
            cancelled.set(true);
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertTrue(e.getCause().getMessage().contains("cancelled") && e.getCause().getMessage().contains(
                    server.uri()), e.getCause().getMessage());
        }
    }

    @Test
    void interruptingTheReaderEndsAStalledRead() throws Exception {
        DiskSourcesImpl sources = new DiskSourcesImpl();
        try (NbdServer server = NbdServer.nbdkit(raw).delayed("rdelay=600").start(dir);
                DiskSource source = sources.open(server.uri(), SourceOptions.defaults())) {
            CompletableFuture<String> failure = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    source.read(ByteBuffer.allocateDirect(MIB), 0);
                    failure.complete("no failure");
                } catch (IOException e) {
                    failure.complete(e.getMessage());
                }
            });
            reader.start();
            Thread.sleep(1_000);
            reader.interrupt();
            String message = failure.get(5, TimeUnit.SECONDS);
            assertTrue(message.contains("interrupted") && message.contains(server.uri()), message);
        }
    }

    @Test
    void theDeadlineIsConfiguredInSecondsAndBadValuesAreRefused() {
        assertEquals(Duration.ofSeconds(120), new DiskSourcesImpl(Map.of()).requestTimeout());
        assertEquals(Duration.ofSeconds(30), new DiskSourcesImpl(Map.of(DiskSourcesImpl.REQUEST_TIMEOUT_KEY, "30"))
                .requestTimeout());
        assertEquals(Duration.ofMillis(2500), new DiskSourcesImpl(Map.of(DiskSourcesImpl.REQUEST_TIMEOUT_KEY, " 2.5 "))
                .requestTimeout());
        for (String bad : new String[] {"0", "-5", "soon", "NaN", "100000"}) {
            ValidationException e = assertThrows(ValidationException.class,
                    () -> new DiskSourcesImpl(Map.of(DiskSourcesImpl.REQUEST_TIMEOUT_KEY, bad)), bad);
            assertTrue(e.getMessage().contains(DiskSourcesImpl.REQUEST_TIMEOUT_KEY) && e.getMessage().contains(bad),
                    e.getMessage());
        }
    }
}
