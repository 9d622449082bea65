package io.ferry.mover.internal.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** URI text helpers of {@link DiskLocation#parse}. */
final class UriText {
    static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):");

    private static final List<String> SECRET_WORDS = List.of("psk", "password", "secret", "token", "key");

    private UriText() {
    }

    /** The URI without user-info passwords and without query parameters whose name suggests a secret. */
    static String withoutSecrets(String text) {
        String result = text.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^/@?#:]*):[^/@?#]*@", "$1@");
        int question = result.indexOf('?');
        if (question < 0) {
            return result;
        }
        int hash = result.indexOf('#', question);
        String query = hash < 0 ? result.substring(question + 1) : result.substring(question + 1, hash);
        List<String> kept = new ArrayList<>();
        for (String parameter : query.split("&")) {
            String name = parameter.split("=", 2)[0].toLowerCase(Locale.ROOT);
            if (!parameter.isEmpty() && SECRET_WORDS.stream().noneMatch(name::contains)) {
                kept.add(parameter);
            }
        }
        String base = result.substring(0, question);
        return kept.isEmpty() ? base : base + "?" + String.join("&", kept);
    }

    static String queryValue(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String parameter : rawQuery.split("&")) {
            String[] pair = parameter.split("=", 2);
            if (pair[0].equals(name) && pair.length == 2 && !pair[1].isEmpty()) {
                return pair[1];
            }
        }
        return null;
    }
}
