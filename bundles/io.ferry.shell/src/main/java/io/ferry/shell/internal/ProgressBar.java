package io.ferry.shell.internal;

import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;

/**
 * Shows long work on the session's console and cancels it on Ctrl-C.
 *
 * <p>On a terminal one line is rewritten with {@code '\r'} at most four times a second:
 * {@code backup   [##########..........]  50%  2.0 GiB / 4.0 GiB  512 MiB/s  ETA 0:04}.
 * Without one ({@code bin/client -b}, ssh with a command, a "dumb" terminal) a plain line is
 * printed at 0 % and then at most once per 10 %, so that logs stay readable.
 *
 * <p>Karaf answers Ctrl-C by interrupting the thread that runs the command; the work runs
 * on the mover's threads, which poll {@link #cancelRequested()}. So the bar remembers the
 * command's thread and reports cancellation once that thread is interrupted, also when no
 * progress is shown ({@code --no-progress}, {@code --json}). The flag alone is fragile: a
 * wait that swallows interrupts until it ends (such as {@code CompletableFuture.join()})
 * would hide it. Hence {@link #run}: the work runs on a thread of its own while the
 * command's thread waits interruptibly and turns an interrupt into a cancellation.
 */
final class ProgressBar implements ProgressListener {

    /** How progress is shown. */
    enum Mode {
        /** One line rewritten in place. */
        BAR,
        /** A new line at most every 10 %. */
        LINES,
        /** Nothing shown; only cancellation. */
        OFF
    }

    static final long BAR_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    static final int DEFAULT_WIDTH = 80;
    private static final int PHASE_WIDTH = 7;
    private static final int MIN_BAR = 10;
    private static final int MAX_BAR = 40;
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private final PrintStream console;
    private final Mode mode;
    private final int width;
    private final Thread commandThread;
    private final LongSupplier nanoTime;

    private volatile boolean cancelled;
    // Guarded by this: the mover calls progress() from several worker threads.
    private String phase;
    private long lastShown;
    private int lastDecile;
    private boolean completeShown;
    /** Length of the line on screen in BAR mode, 0 when the cursor is at the start of an empty line. */
    private int onScreen;

    /**
     * @param console       where to write (null for {@link Mode#OFF})
     * @param width         terminal columns
     * @param commandThread the thread whose interruption cancels the work
     */
    ProgressBar(PrintStream console, Mode mode, int width, Thread commandThread, LongSupplier nanoTime) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.console = mode == Mode.OFF ? null : Objects.requireNonNull(console, "console");
        this.width = width > 0 ? width : DEFAULT_WIDTH;
        this.commandThread = Objects.requireNonNull(commandThread, "commandThread");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The bar for a command running on the current thread: drawn on the session's terminal,
     * plain lines without an interactive terminal, nothing when {@code show} is false.
     */
    static ProgressBar forSession(Session session, boolean show) {
        Thread current = Thread.currentThread();
        if (!show || session == null || session.getConsole() == null) {
            return new ProgressBar(null, Mode.OFF, DEFAULT_WIDTH, current, System::nanoTime);
        }
        Terminal terminal = session.getTerminal();
        boolean interactive = terminal != null && terminal.getType() != null
                && !"dumb".equalsIgnoreCase(terminal.getType());
        int columns = terminal != null && terminal.getWidth() > 0 ? terminal.getWidth() : DEFAULT_WIDTH;
        return new ProgressBar(session.getConsole(), interactive ? Mode.BAR : Mode.LINES, columns, current,
                System::nanoTime);
    }

    Mode mode() {
        return mode;
    }

    @Override
    public void progress(Progress progress) {
        if (mode == Mode.OFF) {
            return;
        }
        synchronized (this) {
            if (!progress.phase().equals(phase)) {
                endLine();
                phase = progress.phase();
                lastDecile = -1;
                completeShown = false;
                lastShown = nanoTime.getAsLong() - BAR_INTERVAL_NANOS;
            }
            if (mode == Mode.BAR) {
                showBar(progress);
            } else {
                showLine(progress);
            }
        }
    }

    @Override
    public boolean cancelRequested() {
        if (!cancelled && commandThread.isInterrupted()) {
            cancelled = true;
        }
        return cancelled;
    }

    /**
     * Runs {@code work} on a new thread and waits for it on the current (the command's)
     * thread. An interrupt of the current thread (Ctrl-C) requests cancellation, which the
     * work sees through {@link #cancelRequested()}, and the wait goes on until the work has
     * stopped, so that nothing is left running when the command ends. A second interrupt
     * also interrupts the work's thread, for work stuck in a blocking call. The work's
     * exception is rethrown as it is.
     */
    <T> T run(String name, Supplier<T> work) {
        FutureTask<T> task = new FutureTask<>(work::get);
        Thread worker = new Thread(task, "ferry-shell-" + name);
        worker.setDaemon(true);
        worker.start();
        int interrupts = 0;
        while (true) {
            try {
                return task.get();
            } catch (InterruptedException e) {
                cancelled = true;
                if (++interrupts > 1) {
                    worker.interrupt();
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    /** Ends the bar's line, so that what the command prints next starts on a line of its own. */
    synchronized void finish() {
        endLine();
    }

    private void showBar(Progress progress) {
        long now = nanoTime.getAsLong();
        boolean complete = progress.done() >= progress.total();
        if (complete ? completeShown : now - lastShown < BAR_INTERVAL_NANOS) {
            return;
        }
        String line = TerminalText.safe(line(progress, width - 1));
        console.print('\r' + line + " ".repeat(Math.max(0, onScreen - line.length())));
        console.flush();
        onScreen = Math.max(1, line.length());
        lastShown = now;
        completeShown = complete;
    }

    private void showLine(Progress progress) {
        int decile = (int) Math.floor(progress.fraction() * 10);
        if (decile <= lastDecile) {
            return;
        }
        lastDecile = decile;
        console.println(TerminalText.safe(line(progress, width - 1)));
        console.flush();
    }

    private void endLine() {
        if (onScreen > 0) {
            console.println();
            console.flush();
            onScreen = 0;
        }
    }

    /**
     * One line of at most {@code width} characters:
     * {@code backup   [##########..........]  50%  2.0 GiB / 4.0 GiB  512 MiB/s  ETA 0:04}. The bar
     * takes what the figures leave (10 to 40 characters); on a very narrow terminal it is
     * left out and the figures are cut.
     */
    static String line(Progress progress, int width) {
        String name = progress.phase().length() >= PHASE_WIDTH ? progress.phase()
                : progress.phase() + " ".repeat(PHASE_WIDTH - progress.phase().length());
        String figures = String.format(Locale.ROOT, "%3d%%", (int) Math.floor(progress.fraction() * 100)) + "  "
                + bytes(progress.done()) + " / " + bytes(progress.total()) + "  " + rate(progress.bytesPerSecond())
                + "  ETA " + progress.eta().map(ProgressBar::clock).orElse("-:--");
        int room = width - name.length() - "  []  ".length() - figures.length();
        if (room < MIN_BAR) {
            String line = name + "  " + figures;
            return line.length() <= width ? line : line.substring(0, Math.max(0, width));
        }
        int barWidth = Math.min(MAX_BAR, room);
        int filled = (int) Math.floor(progress.fraction() * barWidth);
        return name + "  [" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]  " + figures;
    }

    /** {@code 0:04}, {@code 12:30}, {@code 1:02:03}. */
    static String clock(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        if (hours > 0) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", minutes, seconds % 60);
    }

    /**
     * Binary units with a steady width, so that the line does not jump: {@code 512 B},
     * {@code 48.3 MiB}, {@code 2.0 GiB}, {@code 512 MiB}.
     */
    static String bytes(double bytes) {
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0 || value >= 100) {
            return String.format(Locale.ROOT, "%.0f %s", Math.floor(value), UNITS[unit]);
        }
        return String.format(Locale.ROOT, "%.1f %s", Math.floor(value * 10) / 10, UNITS[unit]);
    }

    static String rate(double bytesPerSecond) {
        return bytes(bytesPerSecond) + "/s";
    }
}
