package io.ferry.api.audit;

import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role check and audit record every Ferry service does at the entry of a call:
 * {@link #change} checks the caller's role, runs the change and records OK or the error;
 * {@link #read} checks the role of a read (not recorded unless refused). Refusals are recorded
 * as {@link AuditResult#DENIED} and thrown as {@link AccessDeniedException}.
 *
 * <p>A failure to write the audit trail is logged and does not undo or fail the change.
 */
public final class Audit {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    private final Supplier<AuditLog> log;
    private final Clock clock;

    /**
     * @param log the audit log to record to, looked up on each call (a dynamic service
     *            reference); it may supply {@link AuditLog#NONE} or null when there is none
     */
    public Audit(Supplier<AuditLog> log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records to a fixed log. */
    public static Audit to(AuditLog log) {
        Objects.requireNonNull(log, "log");
        return new Audit(() -> log, Clock.systemUTC());
    }

    /** Checks the caller of a read: refusals are recorded, allowed reads are not. */
    public Caller read(FerryRole needed, String action) {
        return check(Caller.current(), needed, action, "");
    }

    /** Runs a change for a caller with the {@code needed} role, and records its outcome. */
    public <T> T change(FerryRole needed, String action, String target, Supplier<T> work) {
        Caller caller = check(Caller.current(), needed, action, target);
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            record(caller, action, target, AuditResult.ERROR, describe(e));
            throw e;
        }
        record(caller, action, target, AuditResult.OK, "");
        return result;
    }

    /** {@link #change(FerryRole, String, String, Supplier)} for work without a result. */
    public void change(FerryRole needed, String action, String target, Runnable work) {
        change(needed, action, target, () -> {
            work.run();
            return null;
        });
    }

    /** Records the outcome of a change whose work is done elsewhere (after {@link #read}-style checks). */
    public void record(Caller caller, String action, String target, AuditResult result, String message) {
        AuditLog sink = log.get();
        if (sink == null || sink == AuditLog.NONE) {
            return;
        }
        try {
            sink.record(AuditEntry.of(clock.instant(), caller.user(), action, target, result, message));
        } catch (RuntimeException e) {
            LOG.error("Cannot record {} of {} by {} ({}) in the audit trail", action, target, caller.user(), result, e);
        }
    }

    private Caller check(Caller caller, FerryRole needed, String action, String target) {
        try {
            return caller.require(needed, action);
        } catch (AccessDeniedException e) {
            record(caller, action, target, AuditResult.DENIED, e.getMessage());
            throw e;
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
