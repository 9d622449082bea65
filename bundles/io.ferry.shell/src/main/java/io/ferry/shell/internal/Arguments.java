package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.OsInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parsing of the option values the commands share; errors name the option. */
final class Arguments {

    private Arguments() {
    }

    /** {@code key=value}; the value may itself contain '='. */
    static Map.Entry<String, String> keyValue(String text, String what) {
        String t = text == null ? "" : text.strip();
        int eq = t.indexOf('=');
        if (eq < 0) {
            throw new ValidationException(what, "'" + t + "' is not key=value, e.g. powershell.version=5.1");
        }
        String key = t.substring(0, eq).strip();
        String value = t.substring(eq + 1).strip();
        if (key.isEmpty()) {
            throw new ValidationException(what, "'" + t + "' has no key before '='");
        }
        if (value.isEmpty()) {
            throw new ValidationException(what, "'" + t + "' has no value after '='");
        }
        return Map.entry(key, value);
    }

    static List<Cidr> networks(List<String> texts, String what) {
        List<Cidr> out = new ArrayList<>();
        for (String text : nonNull(texts)) {
            try {
                out.add(Cidr.of(text));
            } catch (ValidationException e) {
                throw new ValidationException(what, e.problem());
            }
        }
        return out;
    }

    static OsInfo os(String text, String what) {
        try {
            return OsInfo.parse(text);
        } catch (ValidationException e) {
            throw new ValidationException(what, e.problem());
        }
    }

    /** The values with blanks dropped, so that {@code --trusted-domain ""} clears a list. */
    static List<String> nonBlank(List<String> values) {
        return nonNull(values).stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList();
    }

    static <T> List<T> nonNull(List<T> values) {
        return values == null ? List.of() : values;
    }

    static void notBoth(boolean first, String firstOption, boolean second, String secondOption) {
        if (first && second) {
            throw new ValidationException("", "use either " + firstOption + " or " + secondOption + ", not both");
        }
    }
}
