package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.repository.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long GIB = 1L << 30;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private ProgressBar bar(ProgressBar.Mode mode, int width) {
        return new ProgressBar(console, mode, width, Thread.currentThread(), now::get);
    }

    private String shown() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Progress backup(long done, long total, long millis) {
        return new Progress("backup", done, total, done, done / 2, Duration.ofMillis(millis));
    }

    @Test
    void aLineShowsPhaseBarPercentAmountsRateAndEta() {
        assertEquals("backup   [###########...........]   50%  2.0 GiB / 4.0 GiB  512 MiB/s  ETA 0:04",
                ProgressBar.line(backup(2 * GIB, 4 * GIB, 4000), 79));
        assertEquals("restore  [########################################]  100%  4.0 GiB / 4.0 GiB  1.0 GiB/s  ETA 0:00",
                ProgressBar.line(new Progress("restore", 4 * GIB, 4 * GIB, 0, 0, Duration.ofSeconds(4)), 200));
    }

    @Test
    void beforeAnyTimeHasPassedTheEtaIsUnknown() {
        String line = ProgressBar.line(backup(0, 4 * GIB, 0), 79);
        assertTrue(line.endsWith("  0%  0 B / 4.0 GiB  0 B/s  ETA -:--"), line);
    }

    @Test
    void theLineNeverExceedsTheWidthAndDropsTheBarWhenNarrow() {
        for (int width = 20; width <= 200; width += 7) {
            String line = ProgressBar.line(backup(1536L << 20, 40 * GIB, 3000), width);
            assertTrue(line.length() <= width, width + ": " + line);
        }
        String narrow = ProgressBar.line(backup(2 * GIB, 4 * GIB, 4000), 50);
        assertFalse(narrow.contains("["), narrow);
        assertTrue(narrow.startsWith("backup    50%  2.0 GiB / 4.0 GiB"), narrow);
    }

    @Test
    void durationsAndSizesReadAsPeopleExpect() {
        assertEquals("0:04", ProgressBar.clock(Duration.ofMillis(4900)));
        assertEquals("12:30", ProgressBar.clock(Duration.ofSeconds(750)));
        assertEquals("1:02:03", ProgressBar.clock(Duration.ofSeconds(3723)));
        assertEquals("512 B", ProgressBar.bytes(512));
        assertEquals("48.3 MiB", ProgressBar.bytes(48.3 * (1 << 20)));
        assertEquals("512 MiB", ProgressBar.bytes(512L << 20));
        assertEquals("1.5 TiB", ProgressBar.bytes(1.5 * (1L << 40)));
    }

    @Test
    void onATerminalOneLineIsRewrittenAtMostFourTimesASecondAndEndsWithALineBreak() {
        ProgressBar bar = bar(ProgressBar.Mode.BAR, 80);
        bar.progress(backup(0, 4 * GIB, 0));
        now.addAndGet(100_000_000);
        bar.progress(backup(GIB / 4, 4 * GIB, 100));
        now.addAndGet(200_000_000);
        bar.progress(backup(GIB, 4 * GIB, 300));
        now.addAndGet(10_000_000);
        bar.progress(backup(4 * GIB, 4 * GIB, 310));
        bar.progress(backup(4 * GIB, 4 * GIB, 320));
        bar.finish();
        String shown = shown();
        assertEquals(3, shown.chars().filter(c -> c == '\r').count(), shown);
        assertFalse(shown.contains("256 MiB / 4.0 GiB"), "the update 100 ms after the first is skipped: " + shown);
        assertTrue(shown.contains("100%  4.0 GiB / 4.0 GiB"), "the end is always shown: " + shown);
        assertTrue(shown.endsWith("\n") && shown.indexOf('\n') == shown.length() - 1, shown);
    }

    @Test
    void aShorterLineBlanksTheRestOfTheLongerOne() {
        ProgressBar bar = bar(ProgressBar.Mode.BAR, 200);
        bar.progress(new Progress("backup", GIB, 900 * GIB, GIB, 0, Duration.ofHours(20)));
        now.addAndGet(ProgressBar.BAR_INTERVAL_NANOS);
        bar.progress(new Progress("backup", 2 * GIB, 900 * GIB, GIB, 0, Duration.ofSeconds(1)));
        String[] lines = shown().split("\r");
        assertEquals(lines[1].length(), lines[2].length(), shown());
        assertTrue(lines[2].endsWith(" "), shown());
    }

    @Test
    void aNewPhaseStartsOnANewLine() {
        ProgressBar bar = bar(ProgressBar.Mode.BAR, 80);
        bar.progress(new Progress("mark", 10, 10, 0, 0, Duration.ofSeconds(1)));
        bar.progress(new Progress("sweep", 0, 10, 0, 0, Duration.ZERO));
        bar.finish();
        assertTrue(shown().matches("\rmark .*\n\rsweep .*\n"), shown());
    }

    @Test
    void withoutATerminalALineIsPrintedAtMostEveryTenPercent() {
        ProgressBar bar = bar(ProgressBar.Mode.LINES, 80);
        for (int i = 0; i <= 200; i++) {
            bar.progress(backup(4 * GIB * i / 200, 4 * GIB, 20L * i));
            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        }
        bar.finish();
        String shown = shown();
        assertFalse(shown.contains("\r"), shown);
        assertEquals(11, shown.lines().count(), shown);
        assertTrue(shown.lines().allMatch(l -> l.startsWith("backup ")), shown);
        assertTrue(shown.endsWith("100%  4.0 GiB / 4.0 GiB  1.0 GiB/s  ETA 0:00\n"), shown);
    }

    @Test
    void offShowsNothing() {
        ProgressBar bar = bar(ProgressBar.Mode.OFF, 80);
        bar.progress(backup(GIB, 4 * GIB, 1000));
        bar.finish();
        assertEquals("", shown());
    }

    @Test
    void theModeFollowsTheSession() {
        FakeSession session = new FakeSession(Path.of("/"));
        assertEquals(ProgressBar.Mode.BAR, ProgressBar.forSession(session.session(), true).mode());
        assertEquals(ProgressBar.Mode.OFF, ProgressBar.forSession(session.session(), false).mode());
        assertEquals(ProgressBar.Mode.LINES, ProgressBar.forSession(session.terminal("dumb", 80).session(), true).mode());
        assertEquals(ProgressBar.Mode.LINES, ProgressBar.forSession(session.headless().session(), true).mode());
    }

    @Test
    void interruptingTheCommandThreadRequestsCancellationSeenFromWorkerThreads() throws Exception {
        CountDownLatch created = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<ProgressBar> bar = new AtomicReference<>();
        Thread command = new Thread(() -> {
            bar.set(new ProgressBar(null, ProgressBar.Mode.OFF, 80, Thread.currentThread(), System::nanoTime));
            created.countDown();
            while (!done.get()) {
                LockSupport.parkNanos(1_000_000);
            }
            Thread.interrupted();
        });
        command.start();
        created.await();
        assertFalse(CompletableFuture.supplyAsync(() -> bar.get().cancelRequested()).get());
        command.interrupt();
        assertTrue(CompletableFuture.supplyAsync(() -> bar.get().cancelRequested()).get());
        done.set(true);
        command.join();
        assertTrue(bar.get().cancelRequested(), "once requested, cancellation stays requested");
    }

    @Test
    void runReturnsTheResultAndRethrowsTheWorksExceptionAsItIs() {
        ProgressBar bar = bar(ProgressBar.Mode.OFF, 80);
        assertEquals("done", bar.run("test", () -> "done"));
        FerryException failure = new FerryException("NBD server gone");
        assertSame(failure, assertThrows(FerryException.class, () -> bar.run("test", () -> {
            throw failure;
        })));
    }

    @Test
    void anInterruptDuringRunCancelsTheWorkAndASecondOneInterruptsItsThread() throws Exception {
        AtomicReference<ProgressBar> bar = new AtomicReference<>();
        CountDownLatch working = new CountDownLatch(1);
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicBoolean workerInterrupted = new AtomicBoolean();
        Thread command = new Thread(() -> {
            ProgressBar b = new ProgressBar(null, ProgressBar.Mode.OFF, 80, Thread.currentThread(), System::nanoTime);
            bar.set(b);
            try {
                result.set(b.run("test", () -> {
                    working.countDown();
                    while (!b.cancelRequested()) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    // A blocking call the cancellation flag cannot reach: only an interrupt ends it.
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        workerInterrupted.set(true);
                    }
                    return "stopped";
                }));
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        command.start();
        assertTrue(working.await(10, TimeUnit.SECONDS));
        command.interrupt();
        while (!bar.get().cancelRequested()) {
            LockSupport.parkNanos(1_000_000);
        }
        command.join(200);
        assertTrue(command.isAlive(), "the command waits for the work to stop");
        command.interrupt();
        command.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(command.isAlive());
        assertTrue(workerInterrupted.get());
        assertEquals("stopped", result.get());
    }
}
