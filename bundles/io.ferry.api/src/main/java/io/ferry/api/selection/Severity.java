package io.ferry.api.selection;

/**
 * How much an unmet readiness requirement matters. {@code ferry:check} prints an unmet
 * {@link #ERROR} as FAIL and counts it; a {@link #WARNING} or an {@link #INFO} is shown
 * under its own name and never makes a server not ready.
 *
 * @since 1.1
 */
public enum Severity {
    /** Not met, the server cannot do its role's work as declared: fix it. */
    ERROR,
    /** Not met, the server still does its role's work, but not all of it (e.g. it is disabled or serves only some hosts). */
    WARNING,
    /** For information: only matters for a feature many installations do not use. */
    INFO
}
