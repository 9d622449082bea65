package io.ferry.shell.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small JSON writer for output the API has no writer for, laid out as the inventory's
 * export file is (two-space indent, {@code "name" : value}, one element per line,
 * {@code [ ]} and {@code { }} when empty), so that {@code --json} output looks the same
 * everywhere. Strings are escaped as JSON requires: quote, backslash and control characters.
 */
final class JsonText {
    private final StringBuilder out = new StringBuilder();
    /** One entry per open array or object: true while it has no element yet. */
    private final Deque<Boolean> empty = new ArrayDeque<>();
    private boolean afterName;

    JsonText beginObject() {
        beforeValue();
        out.append('{');
        empty.push(true);
        return this;
    }

    JsonText endObject() {
        return close('}');
    }

    JsonText beginArray() {
        beforeValue();
        out.append('[');
        empty.push(true);
        return this;
    }

    JsonText endArray() {
        return close(']');
    }

    /** The name of the next value in the current object. */
    JsonText name(String name) {
        nextElement();
        out.append(quote(name)).append(" : ");
        afterName = true;
        return this;
    }

    JsonText value(String value) {
        beforeValue();
        out.append(quote(value));
        return this;
    }

    JsonText value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    /** A finite decimal, rounded to {@code decimals} places (NaN and infinities are not JSON: written as null). */
    JsonText value(double value, int decimals) {
        beforeValue();
        if (Double.isFinite(value)) {
            out.append(java.math.BigDecimal.valueOf(value).setScale(decimals, java.math.RoundingMode.HALF_UP)
                    .stripTrailingZeros().toPlainString());
        } else {
            out.append("null");
        }
        return this;
    }

    JsonText value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    JsonText field(String name, String value) {
        return name(name).value(value);
    }

    JsonText field(String name, long value) {
        return name(name).value(value);
    }

    JsonText field(String name, double value, int decimals) {
        return name(name).value(value, decimals);
    }

    JsonText field(String name, boolean value) {
        return name(name).value(value);
    }

    /** The text written so far, ending with a line break. */
    String text() {
        if (!empty.isEmpty()) {
            throw new IllegalStateException("unclosed JSON array or object");
        }
        return out + "\n";
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                case '\b' -> q.append("\\b");
                case '\f' -> q.append("\\f");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04X", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        nextElement();
    }

    /** A comma after the previous element, and the new element on its own line. */
    private void nextElement() {
        if (empty.isEmpty()) {
            if (out.length() > 0) {
                throw new IllegalStateException("only one top-level JSON value");
            }
            return;
        }
        if (!empty.pop()) {
            out.append(',');
        }
        empty.push(false);
        newLine(empty.size());
    }

    private JsonText close(char bracket) {
        if (empty.isEmpty()) {
            throw new IllegalStateException("nothing to close with " + bracket);
        }
        if (empty.pop()) {
            out.append(' ');
        } else {
            newLine(empty.size());
        }
        out.append(bracket);
        return this;
    }

    private void newLine(int depth) {
        out.append('\n').append("  ".repeat(depth));
    }
}
