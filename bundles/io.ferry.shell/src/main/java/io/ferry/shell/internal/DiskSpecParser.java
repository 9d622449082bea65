package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.VirtualDisk;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code --disk} option of {@code ferry:vm-add}. Two forms:
 *
 * <ul>
 * <li>key=value pairs, the clear form:
 *     {@code label=d0,size=40G,format=qcow2,location=/var/lib/vz/a.qcow2,storage=local}.
 *     Keys may come in any order; {@code storage} is optional. A ',' separates pairs only
 *     when a word and '=' follow it, so a location may contain ',' and '=' (a URI query),
 *     but not ",word=" (use the short form for such a location); an unknown key is refused,
 *     so that a typo such as {@code storge=} is not taken as part of the location.</li>
 * <li>the short form {@code label:size:format:location[:storage]}, e.g.
 *     {@code scsi0:0:40G:vmdk:/vmfs/volumes/ds1/a.vmdk:ds1}. Labels may contain ':'; the
 *     size and format anchor the split. A trailing {@code :name} is taken as the storage
 *     unless it is part of the location: a URI's port ({@code nbd://h:10809}) or a path
 *     segment containing '/' or '\' ({@code nbd+unix:///x?socket=/p}, {@code C:\a.vhdx}).</li>
 * </ul>
 */
final class DiskSpecParser {
    static final String OPTION = "--disk";
    static final String FORMS = "label=NAME,size=40G,format=raw|qcow2|vmdk|vhdx|vhd,location=PATH_OR_URI[,storage=NAME]"
            + " or label:size:format:location[:storage]";

    private static final Set<String> KEYS = Set.of("label", "size", "format", "location", "storage");
    /** Starts with a word and '=': the key=value form (then a misspelt first key is reported as such). */
    private static final Pattern KEY_VALUE_START = Pattern.compile("(?s)[A-Za-z][A-Za-z0-9_-]*\\s*=.*");
    private static final Pattern PAIR_SEPARATOR = Pattern.compile(",(?=\\s*[A-Za-z][A-Za-z0-9_-]*\\s*=)");
    private static final Pattern SHORT_FORM = Pattern.compile(
            "(?s)(?<label>.+?):(?<size>\\d+(?:\\.\\d+)?(?:[KMGTPkmgtp](?:[iI]?[bB])?|[bB])?)"
            + ":(?<format>(?i:raw|qcow2|vmdk|vhdx|vhd)):(?<rest>.+)");
    private static final Pattern STORAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** Scheme and authority with no path: a ':' after it is a port ({@code nbd://host:10809}). */
    private static final Pattern URI_AUTHORITY_ONLY = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*");
    private static final Pattern LOOKS_LIKE_LOCATION = Pattern.compile(
            "(?s)(/|\\\\\\\\|[A-Za-z]:\\\\|[A-Za-z][A-Za-z0-9+.-]*:).*");

    private DiskSpecParser() {
    }

    static VirtualDisk parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new ValidationException(OPTION, "is empty; use " + FORMS);
        }
        return KEY_VALUE_START.matcher(t).matches() ? parseKeyValues(t) : parseShortForm(t);
    }

    private static VirtualDisk parseKeyValues(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : PAIR_SEPARATOR.split(text)) {
            int eq = pair.indexOf('=');
            String key = pair.substring(0, Math.max(eq, 0)).strip().toLowerCase(Locale.ROOT);
            key = key.equals("capacity") ? "size" : key;
            if (eq < 0 || !KEYS.contains(key)) {
                throw new ValidationException(OPTION, "'" + pair.strip() + "' in '" + text + "' is not one of label=,"
                        + " size=, format=, location=, storage=");
            }
            if (values.put(key, pair.substring(eq + 1).strip()) != null) {
                throw new ValidationException(OPTION, "'" + text + "' gives " + key + "= twice");
            }
        }
        for (String required : new String[] {"label", "size", "format", "location"}) {
            if (values.getOrDefault(required, "").isEmpty()) {
                throw new ValidationException(OPTION, "'" + text + "' has no " + required + "=; use " + FORMS);
            }
        }
        return disk(values.get("label"), values.get("size"), values.get("format"), values.get("location"),
                Optional.ofNullable(values.get("storage")).filter(s -> !s.isEmpty()));
    }

    private static VirtualDisk parseShortForm(String text) {
        Matcher m = SHORT_FORM.matcher(text);
        if (!m.matches()) {
            throw shortFormProblem(text);
        }
        String rest = m.group("rest");
        Optional<String> storage = trailingStorage(rest);
        String location = storage.map(s -> rest.substring(0, rest.length() - s.length() - 1)).orElse(rest);
        return disk(m.group("label"), m.group("size"), m.group("format"), location, storage);
    }

    /** The storage name at the end of {@code label:size:format:location[:storage]}'s remainder, if any. */
    static Optional<String> trailingStorage(String rest) {
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String suffix = rest.substring(colon + 1);
        String before = rest.substring(0, colon);
        if (!STORAGE_NAME.matcher(suffix).matches() || !LOOKS_LIKE_LOCATION.matcher(before).matches()) {
            return Optional.empty();
        }
        if (before.length() == 1) {
            return Optional.empty(); // "C:name": a drive letter, not a location
        }
        if (URI_AUTHORITY_ONLY.matcher(before).matches() && suffix.chars().allMatch(Character::isDigit)) {
            return Optional.empty(); // nbd://host:10809: a port
        }
        return Optional.of(suffix);
    }

    /**
     * Names the part of a short form that is wrong. The size is the last token that reads as
     * a size and has a token after it (a label such as {@code scsi0:0} holds size-like parts).
     */
    private static ValidationException shortFormProblem(String text) {
        String[] tokens = text.split(":", -1);
        if (tokens.length < 4) {
            return new ValidationException(OPTION, "'" + text + "' needs a label, size, format and location; use " + FORMS);
        }
        int size = -1;
        for (int i = 1; i < tokens.length - 1; i++) {
            if (isSize(tokens[i])) {
                size = i;
            }
        }
        if (size < 0) {
            ByteSize.parse(tokens[1], OPTION + " '" + text + "' size");
            return new ValidationException(OPTION, "'" + text + "' is not " + FORMS);
        }
        EnumNames.parse(DiskFormat.class, tokens[size + 1], OPTION + " '" + text + "' format");
        if (String.join(":", Arrays.copyOfRange(tokens, 0, size)).isBlank()) {
            return new ValidationException(OPTION, "'" + text + "' has no label before the size");
        }
        return new ValidationException(OPTION, "'" + text + "' has no location after the format");
    }

    private static boolean isSize(String token) {
        try {
            ByteSize.parse(token, OPTION);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    private static VirtualDisk disk(String label, String size, String format, String location, Optional<String> storage) {
        long bytes = ByteSize.parse(size, OPTION + " '" + label + "' size");
        DiskFormat diskFormat = EnumNames.parse(DiskFormat.class, format, OPTION + " '" + label + "' format");
        try {
            return new VirtualDisk(label, bytes, diskFormat, location, storage);
        } catch (ValidationException e) {
            throw new ValidationException(OPTION + " '" + label + "' " + e.field(), e.problem());
        }
    }
}
