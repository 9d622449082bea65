package io.ferry.repository.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small JSON dialect of the plain repository files ({@code config}, {@code keys/key},
 * lock holder records): one object whose values are strings, integers or booleans. Keeping
 * to that subset lets the bundle do without a JSON library; anything else is refused.
 */
final class FlatJson {

    private FlatJson() {
    }

    /** Writes the entries in their iteration order, one per line. */
    static String write(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            out.append("  ");
            quote(out, e.getKey());
            out.append(": ");
            Object v = e.getValue();
            if (v instanceof String s) {
                quote(out, s);
            } else if (v instanceof Number || v instanceof Boolean) {
                out.append(v);
            } else {
                throw new IllegalArgumentException("unsupported JSON value for " + e.getKey() + ": " + v);
            }
            out.append(++i < fields.size() ? ",\n" : "\n");
        }
        return out.append("}\n").toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Parses one flat object; values become {@link String}, {@link Long} or {@link Boolean}.
     *
     * @throws IllegalArgumentException naming the offset of the first problem
     */
    static Map<String, Object> parse(String text) {
        return new Parser(text).object();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Map<String, Object> object() {
            Map<String, Object> fields = new LinkedHashMap<>();
            skip();
            expect('{');
            skip();
            if (peek() == '}') {
                pos++;
                return end(fields);
            }
            while (true) {
                skip();
                String key = string();
                skip();
                expect(':');
                skip();
                if (fields.put(key, value()) != null) {
                    throw fail("duplicate key '" + key + "'");
                }
                skip();
                char c = next();
                if (c == '}') {
                    return end(fields);
                }
                if (c != ',') {
                    throw fail("expected ',' or '}'");
                }
            }
        }

        private Map<String, Object> end(Map<String, Object> fields) {
            skip();
            if (pos != s.length()) {
                throw fail("text after the object");
            }
            return fields;
        }

        private Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                int start = pos++;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                try {
                    return Long.parseLong(s.substring(start, pos));
                } catch (NumberFormatException e) {
                    throw fail("bad number");
                }
            }
            throw fail("expected a string, an integer or a boolean");
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw fail("short \\u escape");
                        }
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> throw fail("bad escape \\" + e);
                }
            }
        }

        private void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw fail("unexpected end");
            }
            return s.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                pos--;
                throw fail("expected '" + c + "'");
            }
        }

        private IllegalArgumentException fail(String problem) {
            return new IllegalArgumentException(problem + " at offset " + pos);
        }
    }

    static String text(Map<String, Object> fields, String key) {
        if (fields.get(key) instanceof String v) {
            return v;
        }
        throw new IllegalArgumentException("field '" + key + "' is missing or not a string");
    }

    static long number(Map<String, Object> fields, String key) {
        if (fields.get(key) instanceof Long v) {
            return v;
        }
        throw new IllegalArgumentException("field '" + key + "' is missing or not an integer");
    }
}
