package io.ferry.inventory.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ferry.api.ValidationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A small JSON object read from a stream, with its path in the document, so that every
 * error names the exact field ({@code servers[3].networks[0]}). Only one array element is
 * held at a time; the document as a whole is never in memory.
 */
final class JsonNode {
    private final String path;
    private final Map<String, Object> fields;

    private JsonNode(String path, Map<String, Object> fields) {
        this.path = path;
        this.fields = fields;
    }

    /** Reads the object the parser is positioned at (current token START_OBJECT). */
    static JsonNode readObject(JsonParser p, String path) throws IOException {
        Object value = readValue(p);
        if (!(value instanceof Map<?, ?>)) {
            throw new ValidationException(path, "expected a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return new JsonNode(path, map);
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, readValue(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(readValue(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDecimalValue();
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

    String path() {
        return path;
    }

    /** Refuses fields this format does not know, so that a misspelt field is not silently dropped. */
    JsonNode allowOnly(Set<String> known) {
        for (String name : fields.keySet()) {
            if (!known.contains(name)) {
                throw new ValidationException(child(name), "unknown field; expected one of " + new TreeSet<>(known));
            }
        }
        return this;
    }

    boolean has(String name) {
        return fields.containsKey(name);
    }

    String text(String name) {
        return optionalText(name).orElseThrow(() -> new ValidationException(child(name), "is required"));
    }

    Optional<String> optionalText(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new ValidationException(child(name), "must be a string, got " + describe(v));
        }
        return Optional.of(s);
    }

    boolean bool(String name, boolean defaultValue) {
        Object v = fields.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Boolean b)) {
            throw new ValidationException(child(name), "must be true or false, got " + describe(v));
        }
        return b;
    }

    long number(String name) {
        Object v = fields.get(name);
        if (v == null) {
            throw new ValidationException(child(name), "is required");
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new ValidationException(child(name), "must be a whole number, got " + describe(v));
        }
        return ((Number) v).longValue();
    }

    int integer(String name, int defaultValue) {
        if (fields.get(name) == null) {
            return defaultValue;
        }
        long v = number(name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ValidationException(child(name), "is out of range: " + v);
        }
        return (int) v;
    }

    /** An enum constant, case-insensitive, with '-' accepted for '_'. */
    <E extends Enum<E>> E enumValue(String name, Class<E> type) {
        String v = text(name);
        try {
            return Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                allowed.add(c.name());
            }
            throw new ValidationException(child(name), "'" + v + "' is not one of " + allowed);
        }
    }

    /** A scalar converted by {@code parse}; a validation error is reported at this field's path. */
    <T> T converted(String name, Function<String, T> parse) {
        String v = text(name);
        return at(child(name), () -> parse.apply(v));
    }

    /** The strings of an array field, each converted; absent means empty. */
    <T> List<T> textList(String name, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        List<?> raw = list(name);
        for (int i = 0; i < raw.size(); i++) {
            String p = child(name) + "[" + i + "]";
            if (!(raw.get(i) instanceof String s)) {
                throw new ValidationException(p, "must be a string, got " + describe(raw.get(i)));
            }
            out.add(at(p, () -> parse.apply(s)));
        }
        return out;
    }

    /** The objects of an array field; absent means empty. */
    List<JsonNode> objects(String name) {
        List<JsonNode> out = new ArrayList<>();
        List<?> raw = list(name);
        for (int i = 0; i < raw.size(); i++) {
            out.add(asObject(child(name) + "[" + i + "]", raw.get(i)));
        }
        return out;
    }

    Optional<JsonNode> optionalObject(String name) {
        Object v = fields.get(name);
        return v == null ? Optional.empty() : Optional.of(asObject(child(name), v));
    }

    /** String-to-string map field; absent means empty. */
    Map<String, String> stringMap(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ValidationException(child(name), "must be an object of strings, got " + describe(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ValidationException(child(name) + "." + e.getKey(), "must be a string, got "
                        + describe(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    /** Builds a record from this object; a validation error is located under this object's path. */
    <T> T build(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ValidationException e) {
            throw e.field().startsWith(path) ? e : e.under(path);
        }
    }

    private List<?> list(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new ValidationException(child(name), "must be an array, got " + describe(v));
        }
        return l;
    }

    private static JsonNode asObject(String path, Object v) {
        if (!(v instanceof Map<?, ?>)) {
            throw new ValidationException(path, "must be an object, got " + describe(v));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return new JsonNode(path, m);
    }

    private static <T> T at(String path, java.util.function.Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (ValidationException e) {
            throw new ValidationException(path, e.problem());
        }
    }

    private String child(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        return v instanceof String ? "'" + v + "'" : v.toString();
    }
}
