package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/**
 * Runs Karaf shell commands inside the container, as Karaf's own {@code KarafTestSupport}
 * does: a fresh session per command, output captured, a timeout so that a hanging command
 * fails the test instead of the build. Commands run as a JAAS Subject with Karaf's admin role
 * and every Ferry role, like the admin's SSH login: the distribution's command ACLs
 * (karaf.secured.command.compulsory.roles) refuse a caller without roles.
 */
final class KarafShell {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The roles of the user admin (group admingroup in etc/users.properties). */
    static final String[] ADMIN_ROLES = {"admin", "ferry-admin", "ferry-operator", "ferry-viewer", "ssh"};

    private final SessionFactory sessionFactory;
    private final Subject subject;

    KarafShell(SessionFactory sessionFactory) {
        this(sessionFactory, "itest-admin", ADMIN_ROLES);
    }

    /** A shell whose commands run as {@code user} with {@code roles}. */
    KarafShell(SessionFactory sessionFactory, String user, String... roles) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        this.subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
    }

    /** Runs {@code command}; a thrown exception is returned in the result, not rethrown. */
    Result run(String command) {
        return run(command, DEFAULT_TIMEOUT);
    }

    Result run(String command, Duration timeout) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, UTF_8);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "itest-shell"));
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            Future<Object> result = executor.submit(
                    () -> Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command)));
            Object value = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (value != null) {
                out.println(value);
            }
            return new Result(command, bytes.toString(UTF_8), null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof PrivilegedActionException p ? p.getCause() : e.getCause();
            return new Result(command, bytes.toString(UTF_8), cause);
        } catch (TimeoutException e) {
            throw new AssertionError("Shell command timed out after " + timeout.toSeconds() + " s: " + command
                    + "\noutput so far:\n" + bytes.toString(UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running: " + command, e);
        } finally {
            session.close();
            executor.shutdownNow();
        }
    }

    /** Runs {@code command} and fails the test unless it succeeded; returns its output. */
    String ok(String command) {
        return run(command).ok();
    }

    /**
     * What a command printed and the exception it threw, if any. An exception is what an
     * operator sees as {@code Error executing command: <message>}.
     */
    record Result(String command, String printed, Throwable error) {

        /** What the command printed; fails the test if the command threw. */
        String ok() {
            if (error != null) {
                // The cause chain is written out as text: it may hold classes private to a Ferry
                // bundle, which the test driver (outside the container) cannot deserialize.
                StringBuilder causes = new StringBuilder();
                for (Throwable t = error; t != null; t = t.getCause()) {
                    causes.append("\n  caused by ").append(t);
                }
                throw new AssertionError("'" + command + "' failed: " + error + causes
                        + (printed.isBlank() ? "" : "\nprinted:\n" + printed));
            }
            return printed;
        }

        /** Everything the operator sees: printed lines and the error message. */
        String shown() {
            String message = error == null ? "" : String.valueOf(error.getMessage());
            return (printed + "\n" + message).strip();
        }

        boolean failed() {
            return error != null;
        }
    }
}
