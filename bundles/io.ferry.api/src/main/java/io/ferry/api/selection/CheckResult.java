package io.ferry.api.selection;

import java.util.Objects;

/**
 * One readiness requirement of a server for a role.
 *
 * @param check    the requirement's name
 * @param ok       met or not
 * @param detail   what was found
 * @param fix      what to do when not met (empty when ok)
 * @param seed     the product documentation file the requirement comes from, or empty
 * @param severity how much it matters when not met (since 1.1; {@link Severity#ERROR} for results made
 *                 with the constructor and factories of 1.0)
 */
public record CheckResult(String check, boolean ok, String detail, String fix, String seed, Severity severity) {
    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(severity, "severity");
    }

    /** The constructor of 1.0: the severity is {@link Severity#ERROR}. */
    public CheckResult(String check, boolean ok, String detail, String fix, String seed) {
        this(check, ok, detail, fix, seed, Severity.ERROR);
    }

    /** A met requirement, of severity {@link Severity#ERROR} (see {@link #withSeverity}). */
    public static CheckResult ok(String check, String detail, String seed) {
        return new CheckResult(check, true, detail, "", seed);
    }

    /** An unmet requirement of severity {@link Severity#ERROR}: the server is not ready. */
    public static CheckResult fail(String check, String detail, String fix, String seed) {
        return new CheckResult(check, false, detail, fix, seed);
    }

    /**
     * An unmet requirement of severity {@link Severity#WARNING}.
     *
     * @since 1.1
     */
    public static CheckResult warning(String check, String detail, String fix, String seed) {
        return new CheckResult(check, false, detail, fix, seed, Severity.WARNING);
    }

    /**
     * An unmet requirement of severity {@link Severity#INFO}.
     *
     * @since 1.1
     */
    public static CheckResult info(String check, String detail, String fix, String seed) {
        return new CheckResult(check, false, detail, fix, seed, Severity.INFO);
    }

    /**
     * This result with another severity, e.g. a met requirement that would only be
     * informational: {@code CheckResult.ok(...).withSeverity(Severity.INFO)}.
     *
     * @since 1.1
     */
    public CheckResult withSeverity(Severity severity) {
        return new CheckResult(check, ok, detail, fix, seed, severity);
    }

    /**
     * Not met and an {@link Severity#ERROR}: the only results that make a server not ready.
     *
     * @since 1.1
     */
    public boolean failed() {
        return !ok && severity == Severity.ERROR;
    }
}
