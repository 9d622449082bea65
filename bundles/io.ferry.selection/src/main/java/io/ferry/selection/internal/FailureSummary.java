package io.ferry.selection.internal;

import io.ferry.api.selection.RuleVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The reason of a CANNOT_PROCESS verdict: why every candidate failed. With a few candidates,
 * each one with its failed rules ({@code lx-01: gmsa-needs-windows-proxy (...)}); with
 * more, grouped by rule with a count, the first names and one example reason, so the text
 * stays readable for 500 proxies. The full detail is in the decision's candidates.
 */
final class FailureSummary {
    static final int LIST_EACH_UP_TO = 5;
    private static final int NAMES_PER_RULE = 3;

    private final List<String> names = new ArrayList<>();
    private final List<List<RuleVerdict>> failures = new ArrayList<>();

    /** Adds a candidate with its failed verdicts (all of them, in rule order). */
    void add(String server, List<RuleVerdict> verdicts) {
        names.add(server);
        failures.add(verdicts.stream().filter(v -> !v.passed()).toList());
    }

    int candidates() {
        return names.size();
    }

    /** e.g. "3 candidates: lx-01: gmsa-needs-windows-proxy (...); lx-02: ..." */
    String text() {
        if (names.size() <= LIST_EACH_UP_TO) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                parts.add(names.get(i) + ": " + failures.get(i).stream().map(FailureSummary::describe)
                        .collect(Collectors.joining(", ")));
            }
            return plural(names.size(), "candidate") + ": " + String.join("; ", parts);
        }
        Map<String, Group> byRule = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            for (RuleVerdict v : failures.get(i)) {
                byRule.computeIfAbsent(v.rule(), r -> new Group(v.reason())).add(names.get(i));
            }
        }
        List<String> parts = new ArrayList<>();
        byRule.forEach((rule, g) -> parts.add(rule + " failed for " + g.count + " (" + String.join(", ", g.first)
                + (g.count > g.first.size() ? ", ..." : "") + "; e.g. " + g.example + ")"));
        return plural(names.size(), "candidate") + ", each failing at least one rule: " + String.join("; ", parts);
    }

    private static String describe(RuleVerdict v) {
        return v.rule() + " (" + v.reason() + ")";
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static final class Group {
        final String example;
        final List<String> first = new ArrayList<>();
        int count;

        Group(String example) {
            this.example = example;
        }

        void add(String name) {
            if (first.size() < NAMES_PER_RULE) {
                first.add(name);
            }
            count++;
        }
    }
}
