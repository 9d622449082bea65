package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Enum constants as the shell shows and accepts them: lower case with hyphens
 * ({@code direct-storage-access}). Input is matched case-insensitively and with or
 * without '-' or '_' ({@code HYPERV_HOST}, {@code hyperv-host}, {@code HyperVHost}).
 */
final class EnumNames {

    private EnumNames() {
    }

    /** {@code DIRECT_STORAGE_ACCESS} becomes {@code direct-storage-access}. */
    static String display(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> List<String> displayAll(Collection<E> values) {
        return values.stream().map(EnumNames::display).toList();
    }

    static <E extends Enum<E>> List<String> displayAll(Class<E> type) {
        return displayAll(Arrays.asList(type.getEnumConstants()));
    }

    /**
     * Parses {@code text} into a constant of {@code type}.
     *
     * @param what the option or argument named in the error, e.g. {@code --kind}
     */
    static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        return parse(type, text, what, Arrays.asList(type.getEnumConstants()));
    }

    /**
     * Like {@link #parse(Class, String, String)}, but the error lists only {@code offered}:
     * callers that accept a subset check membership themselves with a more specific message.
     */
    static <E extends Enum<E>> E parse(Class<E> type, String text, String what, Collection<E> offered) {
        String wanted = text == null ? "" : squash(text);
        for (E constant : type.getEnumConstants()) {
            if (!wanted.isEmpty() && squash(constant.name()).equals(wanted)) {
                return constant;
            }
        }
        throw new ValidationException(what, "'" + (text == null ? "" : text.strip()) + "' is not one of: "
                + offered.stream().map(EnumNames::display).collect(Collectors.joining(", ")));
    }

    private static String squash(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
