package io.ferry.plugin.proxmox.internal.qemu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of QMP and of the guest agent as plain Java values, read and written with
 * jackson-core's streaming API: objects are {@code Map<String, Object>} (unmodifiable, in
 * document order), arrays {@code List<Object>}, numbers {@code Long} (or {@code BigInteger}
 * / {@code Double} when they do not fit), plus {@code String}, {@code Boolean} and null.
 * The messages are small (one command or reply), so a tree is the simplest correct model.
 */
final class Json {

    /** Immutable once built; jackson's factories are thread-safe. */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {
    }

    /** Parses one JSON document; a syntax error is an {@link IOException}. */
    static Object parse(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new IOException("empty JSON document");
            }
            Object value = read(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON document");
            }
            return value;
        }
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, read(p));
                }
                return Collections.unmodifiableMap(m);
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return Collections.unmodifiableList(l);
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }

    /** Writes maps, lists, strings, numbers, booleans and null as compact JSON (one line). */
    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            g.writeNumber(n.toString());
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    // ---- typed access to replies; a reply of the wrong shape is a protocol error ----

    /** {@code value} as a JSON object; {@code what} names it in the error. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) {
        if (value instanceof Map<?, ?>) {
            return (Map<String, Object>) value;
        }
        throw unexpected(what, "an object", value);
    }

    static List<Object> array(Object value, String what) {
        if (value instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) list;
            return l;
        }
        throw unexpected(what, "an array", value);
    }

    static String text(Map<String, Object> object, String field) {
        Object v = object.get(field);
        if (v instanceof String s) {
            return s;
        }
        throw unexpected("field '" + field + "' of " + write(object), "a string", v);
    }

    static Optional<String> optionalText(Map<String, Object> object, String field) {
        return object.get(field) == null ? Optional.empty() : Optional.of(text(object, field));
    }

    static long number(Map<String, Object> object, String field) {
        Object v = object.get(field);
        if (v instanceof Long l) {
            return l;
        }
        throw unexpected("field '" + field + "' of " + write(object), "a whole number", v);
    }

    static long number(Object value, String what) {
        if (value instanceof Long l) {
            return l;
        }
        throw unexpected(what, "a whole number", value);
    }

    static boolean bool(Map<String, Object> object, String field, boolean absent) {
        Object v = object.get(field);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw unexpected("field '" + field + "' of " + write(object), "true or false", v);
    }

    private static QemuChannelException unexpected(String what, String expected, Object got) {
        return new QemuChannelException("Unexpected reply from QEMU: " + what + " should be " + expected + ", got "
                + (got == null ? "nothing" : write(got)) + " (a QEMU or guest agent version Ferry does not know?)");
    }
}
