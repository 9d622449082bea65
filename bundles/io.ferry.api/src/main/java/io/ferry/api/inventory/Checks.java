package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Shared validation of the inventory records. */
final class Checks {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private Checks() {
    }

    static String name(String field, String value) {
        String v = required(field, value);
        if (!NAME.matcher(v).matches()) {
            throw new ValidationException(field, "'" + v + "' is not a valid name: use 1-63 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        return v;
    }

    /** An IP literal or a DNS host name; never looked up. */
    static String address(String field, String value) {
        String v = required(field, value);
        if (IpAddresses.parseLiteral(v).isPresent() || IpAddresses.isHostName(v)) {
            return v;
        }
        throw new ValidationException(field, "'" + v + "' is neither an IP address nor a valid host name");
    }

    static String key(String field, String value) {
        String v = required(field, value);
        if (!KEY.matcher(v).matches()) {
            throw new ValidationException(field, "'" + v + "' is not a valid key: use lower-case letters,"
                    + " digits, '.', '_' or '-'");
        }
        return v;
    }

    static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(field, "is required");
        }
        String v = value.strip();
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw new ValidationException(field, "must not contain control characters");
        }
        return v;
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new ValidationException(field, "is required");
        }
        return value;
    }

    static Optional<String> optionalText(String field, Optional<String> value) {
        Objects.requireNonNull(value, field);
        return value.filter(s -> !s.isBlank()).map(s -> required(field, s));
    }

    static SortedSet<String> sortedSet(String field, Collection<String> values, boolean lowerCaseKeys) {
        TreeSet<String> out = new TreeSet<>();
        int i = 0;
        for (String v : notNull(field, values)) {
            String f = field + "[" + i++ + "]";
            out.add(lowerCaseKeys ? key(f, v) : required(f, v));
        }
        return Collections.unmodifiableSortedSet(out);
    }

    static SortedMap<String, String> sortedMap(String field, Map<String, String> values) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : notNull(field, values).entrySet()) {
            String k = key(field, e.getKey());
            out.put(k, required(field + "." + k, e.getValue()));
        }
        return Collections.unmodifiableSortedMap(out);
    }
}
