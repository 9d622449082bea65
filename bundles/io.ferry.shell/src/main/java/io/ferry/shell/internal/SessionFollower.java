package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.karaf.shell.api.console.Terminal;
import org.apache.karaf.shell.support.CommandException;

/**
 * Follows a running session for {@code ferry:job-run} and {@code ferry:job-retry} until it
 * ends, showing its progress on the shell's console.
 *
 * <p>On a terminal the block of {@link SessionProgressLines#block} is redrawn in place
 * (cursor up, rewrite) after each wait of {@link #POLL}, so at most four times a second.
 * Without one ({@code bin/client -b}, ssh with a command, a "dumb" terminal) a plain line is
 * printed on each state change. Progress goes to the console; what the command reports at
 * the end goes to its output.
 *
 * <p>Ctrl-C (Karaf interrupts the command's thread) detaches: the job keeps running on the
 * server, and the command says how to follow or stop it. Stopping a job is an explicit
 * decision ({@code ferry:job-stop}), not a side effect of leaving a shell.
 */
final class SessionFollower {

    /** How often the state is fetched (and the block redrawn): 4 times a second. */
    static final Duration POLL = Duration.ofMillis(250);
    private static final String CURSOR_UP = "\u001B[%dA";
    private static final String CLEAR_LINE = "\u001B[K";
    private static final String CLEAR_BELOW = "\u001B[J";

    /** How progress is shown. */
    enum Mode {
        /** A block of lines redrawn in place. */
        REDRAW,
        /** A new line on each state change. */
        LINES,
        /** Nothing shown. */
        OFF
    }

    private final SessionService sessions;
    private final PrintStream console;
    private final Mode mode;
    private final int width;
    /** Lines of the block on screen (REDRAW). */
    private int drawn;
    /** The state last shown (LINES), or last fetched. */
    private Session latest;

    SessionFollower(SessionService sessions, PrintStream console, Mode mode, int width) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.console = mode == Mode.OFF ? null : Objects.requireNonNull(console, "console");
        this.width = width > 0 ? width : ProgressBar.DEFAULT_WIDTH;
    }

    /** The follower for the shell session: redrawn on a terminal, lines without one, nothing unless {@code show}. */
    static SessionFollower forShell(SessionService sessions, org.apache.karaf.shell.api.console.Session shell,
            boolean show) {
        if (!show || shell == null || shell.getConsole() == null) {
            return new SessionFollower(sessions, null, Mode.OFF, ProgressBar.DEFAULT_WIDTH);
        }
        Terminal terminal = shell.getTerminal();
        boolean interactive = terminal != null && terminal.getType() != null
                && !"dumb".equalsIgnoreCase(terminal.getType());
        int columns = terminal != null && terminal.getWidth() > 0 ? terminal.getWidth() : ProgressBar.DEFAULT_WIDTH;
        return new SessionFollower(sessions, shell.getConsole(), interactive ? Mode.REDRAW : Mode.LINES, columns);
    }

    Mode mode() {
        return mode;
    }

    /** The last state fetched (after {@link #follow} returned empty: the session still running). */
    Session latest() {
        return latest;
    }

    /**
     * Shows the session until it has finished and returns its final state; empty when the
     * command was interrupted (Ctrl-C) first: then {@link #latest()} is the state last seen.
     */
    Optional<Session> follow(Session started) {
        latest = started;
        if (mode != Mode.OFF) {
            console.println(TerminalText.safe(SessionProgressLines.header(started)));
        }
        show(null, started);
        Session current = started;
        while (!current.status().finished()) {
            Session next;
            try {
                next = sessions.await(current.id(), POLL);
            } catch (InterruptedException ctrlC) {
                // detach: the session runs on in the job runner; report() says how to follow or stop it
                return Optional.empty();
            }
            show(current, next);
            current = next;
            latest = next;
        }
        return Optional.of(current);
    }

    private void show(Session before, Session after) {
        switch (mode) {
            case REDRAW -> redraw(after);
            case LINES -> SessionProgressLines.changes(before, after).forEach(l -> console.println(TerminalText.safe(l)));
            case OFF -> {
                return;
            }
        }
        console.flush();
    }

    private void redraw(Session session) {
        List<TaskProgress> live = session.status().finished() ? List.of() : sessions.progress(session.id());
        List<String> lines = SessionProgressLines.block(session, live, width - 1);
        StringBuilder out = new StringBuilder();
        if (drawn > 0) {
            out.append(String.format(CURSOR_UP, drawn));
        }
        for (String line : lines) {
            out.append('\r').append(TerminalText.safe(line)).append(CLEAR_LINE).append('\n');
        }
        if (lines.size() < drawn) {
            out.append(CLEAR_BELOW);
        }
        console.print(out);
        drawn = lines.size();
    }

    /**
     * What {@code ferry:job-run} and {@code ferry:job-retry} do once the session has started:
     * with {@code noWait} report it at once; else follow it and print it as
     * {@code ferry:session-show} does. A session that ends FAILED or STOPPED makes the command
     * fail after printing it (so that scripts and {@code bin/client -b} see a non-zero exit);
     * with {@code --json} too, after the JSON and without a message ({@link ReportedFailure}).
     */
    static void report(Session started, SessionService sessions, org.apache.karaf.shell.api.console.Session shell,
            boolean noWait, boolean noProgress, boolean json) throws CommandException {
        if (noWait) {
            if (json) {
                JsonOutput.print(JsonOutput.VIEWS.session(started, true));
                return;
            }
            System.out.println(TerminalText.safe(SessionProgressLines.header(started) + "."));
            System.out.println("It runs on the server: follow it with ferry:session-show " + started.id()
                    + ", stop it with ferry:job-stop " + started.id() + ".");
            return;
        }
        SessionFollower follower = forShell(sessions, shell, !noProgress && !json);
        Optional<Session> finished = follower.follow(started);
        if (finished.isEmpty()) {
            Session now = follower.latest();
            if (json) {
                JsonOutput.print(JsonOutput.VIEWS.session(now, true));
                return;
            }
            System.out.println("Detached from session " + now.id() + " of job '" + now.job() + "': it keeps"
                    + " running. Follow it with ferry:session-show " + now.id() + ", stop it with ferry:job-stop "
                    + now.id() + ".");
            return;
        }
        Session session = finished.get();
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.session(session, true));
            if (session.status() == SessionStatus.FAILED || session.status() == SessionStatus.STOPPED) {
                throw ReportedFailure.of("Session " + session.id() + " of job '" + session.job() + "' ended "
                        + session.status() + ": " + SessionText.taskCounts(session.tasks()));
            }
            return;
        }
        if (follower.mode() != Mode.OFF) {
            System.out.println();
        }
        SessionText.print(System.out, session, List.of());
        if (session.status() == SessionStatus.FAILED) {
            throw new FerryException("Session " + session.id() + " of job '" + session.job() + "' failed: "
                    + SessionText.taskCounts(session.tasks()) + ". See the errors above; ferry:job-retry "
                    + session.id() + " runs the failed disks again");
        }
        if (session.status() == SessionStatus.STOPPED) {
            throw new FerryException("Session " + session.id() + " of job '" + session.job() + "' was stopped: "
                    + SessionText.taskCounts(session.tasks()) + ". ferry:job-retry " + session.id()
                    + " runs the stopped tasks again");
        }
    }
}
