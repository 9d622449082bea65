package io.ferry.api.selection;

import java.util.Objects;

/**
 * One rule's verdict on one candidate.
 *
 * @param rule   the rule's name, e.g. {@code linux-proxy-cannot-serve-windows-guest}
 * @param passed whether the candidate passed
 * @param reason the concrete reason, e.g. "Linux proxy cannot access Windows guest"
 * @param seed   the product documentation file the rule comes from, or empty
 */
public record RuleVerdict(String rule, boolean passed, String reason, String seed) {
    public RuleVerdict {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(seed, "seed");
    }

    public static RuleVerdict pass(String rule, String reason, String seed) {
        return new RuleVerdict(rule, true, reason, seed);
    }

    public static RuleVerdict fail(String rule, String reason, String seed) {
        return new RuleVerdict(rule, false, reason, seed);
    }
}
