package io.ferry.selection.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.framework.namespace.PackageNamespace;

/**
 * A requirement of a bundle that nothing installed satisfies, in the words {@code ferry:plugins}
 * shows: {@code needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1}. Built from the
 * requirement's namespace and filter as the resolver sees them (the
 * {@code (&(osgi.wiring.package=io.ferry.api.spi)(version>=2.0.0)(!(version>=3.0.0)))} that
 * {@code bundle:diag} prints).
 *
 * @param namespace  e.g. {@code osgi.wiring.package}, {@code osgi.extender}
 * @param name       what is needed: the package, extender, execution environment
 * @param range      the versions that would do; {@code [0.0.0,∞)} for any
 * @param attributes further attributes the filter demands, in filter order
 */
record UnmetRequirement(String namespace, String name, VersionRange range, Map<String, String> attributes) {
    static final VersionRange ANY = new VersionRange(VersionRange.LEFT_CLOSED, Version.emptyVersion, null,
            VersionRange.RIGHT_OPEN);

    UnmetRequirement {
        attributes = Map.copyOf(attributes);
    }

    /**
     * The requirement a filter in normal form states: {@code (name=...)} and version bounds
     * joined by {@code &}, bounds negated for open ends, as bnd and Felix write them. Empty
     * when the filter is anything else (an {@code |}, a wildcard name), which
     * {@link #describe(String, String, Collection)} then shows as it is.
     */
    static Optional<UnmetRequirement> parse(String namespace, String filter) {
        List<Term> terms;
        try {
            terms = new FilterReader(filter).terms();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String versionKey = versionAttribute(namespace);
        String name = null;
        Version floor = Version.emptyVersion;
        boolean floorOpen = false;
        Version ceiling = null;
        boolean ceilingOpen = true;
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Term t : terms) {
            if (t.key().equals(namespace) && t.op().equals("=") && !t.negated() && name == null
                    && !t.value().contains("*")) {
                name = t.value();
                continue;
            }
            if (!t.key().equals(versionKey)) {
                if (t.negated() || !t.op().equals("=")) {
                    return Optional.empty();
                }
                attributes.put(t.key(), t.value());
                continue;
            }
            Version v;
            try {
                v = Version.parseVersion(t.value());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            switch ((t.negated() ? "!" : "") + t.op()) {
                case ">=" -> floor = v;
                case "!<=" -> {
                    floor = v;
                    floorOpen = true;
                }
                case "<=" -> {
                    ceiling = v;
                    ceilingOpen = false;
                }
                case "!>=" -> {
                    ceiling = v;
                    ceilingOpen = true;
                }
                case "=" -> {
                    floor = v;
                    ceiling = v;
                    ceilingOpen = false;
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        if (name == null) {
            return Optional.empty();
        }
        VersionRange range = new VersionRange(floorOpen ? VersionRange.LEFT_OPEN : VersionRange.LEFT_CLOSED, floor,
                ceiling, ceiling == null || ceilingOpen ? VersionRange.RIGHT_OPEN : VersionRange.RIGHT_CLOSED);
        return Optional.of(new UnmetRequirement(namespace, name, range, attributes));
    }

    /**
     * The sentence for a requirement nothing satisfies, given the versions of {@code name} in
     * {@code namespace} that this Ferry provides; the namespace and raw filter when the filter
     * is not in the usual form.
     */
    static String describe(String namespace, String filter, Collection<Version> offered) {
        return parse(namespace, filter).map(r -> r.describe(offered))
                .orElseGet(() -> "needs " + namespace + " " + filter);
    }

    /**
     * {@code needs P [2.0,3); this Ferry provides 1.1} (wrong version), {@code needs P [1.0,2);
     * this Ferry does not provide P} (missing), or, when a provided version is in the range (the
     * other attributes or a conflict with the bundle's other wires stand in the way), which one.
     */
    String describe(Collection<Version> offered) {
        String need = "needs " + subject() + wanted();
        if (offered.isEmpty()) {
            return need + "; this Ferry does not provide " + name;
        }
        String versions = versions(offered);
        if (offered.stream().anyMatch(range::includes)) {
            return need + "; this Ferry provides " + versions + ", but it cannot be wired"
                    + " (bundle:diag tells why)";
        }
        return need + "; this Ferry provides " + versions;
    }

    private String subject() {
        return namespace.equals(PackageNamespace.PACKAGE_NAMESPACE) ? name : namespace + " " + name;
    }

    private String wanted() {
        String text = range(range);
        String out = text.isEmpty() ? "" : " " + text;
        if (!attributes.isEmpty()) {
            out += attributes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ", " with ", ""));
        }
        return out;
    }

    /**
     * A range as bnd writes import ranges: {@code [1.1,2)}, {@code [2.0,3)}, {@code [1.1,1.2)};
     * {@code 1.5 or later} without a ceiling, {@code exactly 1.1}, empty for any version.
     */
    static String range(VersionRange r) {
        if (r.getRight() == null) {
            return r.getLeft().equals(Version.emptyVersion) && r.getLeftType() == VersionRange.LEFT_CLOSED ? ""
                    : (r.getLeftType() == VersionRange.LEFT_OPEN ? "later than " : "") + version(r.getLeft())
                            + (r.getLeftType() == VersionRange.LEFT_OPEN ? "" : " or later");
        }
        if (r.getLeft().equals(r.getRight()) && r.getLeftType() == VersionRange.LEFT_CLOSED
                && r.getRightType() == VersionRange.RIGHT_CLOSED) {
            return "exactly " + version(r.getLeft());
        }
        Version right = r.getRight();
        String ceiling = right.getMinor() == 0 && right.getMicro() == 0 && right.getQualifier().isEmpty()
                ? Integer.toString(right.getMajor()) : version(right);
        return r.getLeftType() + version(r.getLeft()) + "," + ceiling + r.getRightType();
    }

    /** {@code 1.1} for 1.1.0, {@code 1.1.2} for 1.1.2, with the qualifier when there is one. */
    static String version(Version v) {
        String out = v.getMajor() + "." + v.getMinor();
        if (v.getMicro() != 0 || !v.getQualifier().isEmpty()) {
            out += "." + v.getMicro();
        }
        return v.getQualifier().isEmpty() ? out : out + "." + v.getQualifier();
    }

    private static String versions(Collection<Version> offered) {
        List<String> sorted = new TreeSet<>(offered).stream().map(UnmetRequirement::version).distinct().toList();
        if (sorted.size() == 1) {
            return sorted.get(0);
        }
        return String.join(", ", sorted.subList(0, sorted.size() - 1)) + " and " + sorted.get(sorted.size() - 1);
    }

    private static String versionAttribute(String namespace) {
        return namespace.equals("osgi.wiring.bundle") || namespace.equals("osgi.wiring.host") ? "bundle-version"
                : "version";
    }

    /** One comparison of the filter: {@code key op value}, maybe under a {@code !}. */
    private record Term(String key, String op, String value, boolean negated) {
    }

    /**
     * Reads an LDAP filter that is one comparison or an {@code &} of comparisons and negated
     * comparisons; anything else is an {@link IllegalArgumentException}.
     */
    private static final class FilterReader {
        private final String text;
        private int pos;

        FilterReader(String text) {
            this.text = text == null ? "" : text.strip();
        }

        List<Term> terms() {
            List<Term> out = new ArrayList<>();
            expect('(');
            if (peek() == '&') {
                pos++;
                while (peek() == '(') {
                    out.add(item());
                }
            } else {
                pos--;
                out.add(item());
                pos--;
            }
            expect(')');
            if (pos != text.length() || out.isEmpty()) {
                throw new IllegalArgumentException("not a simple filter: " + text);
            }
            return out;
        }

        /** {@code (key op value)} or {@code (!(key op value))}. */
        private Term item() {
            expect('(');
            if (peek() == '!') {
                pos++;
                Term inner = item();
                expect(')');
                return new Term(inner.key(), inner.op(), inner.value(), true);
            }
            int start = pos;
            while (pos < text.length() && "=<>~()".indexOf(text.charAt(pos)) < 0) {
                pos++;
            }
            String key = text.substring(start, pos).strip();
            String op;
            if (text.startsWith(">=", pos) || text.startsWith("<=", pos)) {
                op = text.substring(pos, pos + 2);
            } else if (text.startsWith("=", pos)) {
                op = "=";
            } else {
                throw new IllegalArgumentException("no comparison at " + pos + ": " + text);
            }
            pos += op.length();
            StringBuilder value = new StringBuilder();
            while (pos < text.length() && text.charAt(pos) != ')') {
                char c = text.charAt(pos++);
                if (c == '(') {
                    throw new IllegalArgumentException("unescaped ( in a value: " + text);
                }
                if (c == '\\' && pos < text.length()) {
                    c = text.charAt(pos++);
                }
                value.append(c);
            }
            expect(')');
            if (key.isEmpty()) {
                throw new IllegalArgumentException("no attribute name: " + text);
            }
            return new Term(key, op, value.toString(), false);
        }

        private char peek() {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("filter ends early: " + text);
            }
            return text.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + pos + ": " + text);
            }
            pos++;
        }
    }
}
