package io.ferry.api.selection;

import java.util.Objects;

/**
 * One readiness requirement of a server for a role.
 *
 * @param check  the requirement's name
 * @param ok     met or not
 * @param detail what was found
 * @param fix    what to do when not met (empty when ok)
 * @param seed   the product documentation file the requirement comes from, or empty
 */
public record CheckResult(String check, boolean ok, String detail, String fix, String seed) {
    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(seed, "seed");
    }

    public static CheckResult ok(String check, String detail, String seed) {
        return new CheckResult(check, true, detail, "", seed);
    }

    public static CheckResult fail(String check, String detail, String fix, String seed) {
        return new CheckResult(check, false, detail, fix, seed);
    }
}
