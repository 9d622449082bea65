package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One list of an inventory object changed by the options of an update command:
 * {@code --X} replaces the whole list, {@code --remove-X} takes entries out by their key (a
 * network, a storage name, a disk label; keys compare without case), then {@code --add-X}
 * appends entries (one equal to an entry already there is no change; a different one with the
 * same key is refused unless it is removed in the same command). Errors name the option and
 * list what the object has.
 *
 * @param replace the option that replaces the list, e.g. {@code --disk}
 * @param add the option that appends, e.g. {@code --add-disk}
 * @param remove the option that removes by key, e.g. {@code --remove-disk}
 * @param noun what one entry is called in messages, e.g. {@code disk}
 * @param key an entry's key, e.g. the disk's label
 */
record ListChanges<T>(String replace, String add, String remove, String noun, Function<T, String> key) {

    /**
     * {@code current} with the options applied.
     *
     * @param owner the object in messages, e.g. {@code VM 'web-01'}
     */
    List<T> apply(String owner, List<T> current, List<T> replacement, List<T> added, List<String> removed) {
        List<T> replacing = Arguments.nonNull(replacement);
        List<T> adding = Arguments.nonNull(added);
        List<String> removing = Arguments.nonBlank(removed);
        if (!replacing.isEmpty() && (!adding.isEmpty() || !removing.isEmpty())) {
            throw new ValidationException(replace, "replaces all " + noun + "s; do not combine it with " + add + " or "
                    + remove);
        }
        List<T> out = new ArrayList<>(replacing.isEmpty() ? current : replacing);
        for (String k : removing) {
            int at = indexOf(out, k);
            if (at < 0) {
                throw new ValidationException(remove, owner + " has no " + noun + " '" + k + "' (it has: "
                        + listed(current) + ")");
            }
            out.remove(at);
        }
        for (T entry : adding) {
            int at = indexOf(out, key.apply(entry));
            if (at < 0) {
                out.add(entry);
            } else if (!out.get(at).equals(entry)) {
                throw new ValidationException(add, owner + " already has " + noun + " '" + key.apply(entry) + "'; to"
                        + " replace it, give " + remove + " " + key.apply(entry) + " too");
            }
        }
        return out;
    }

    /** True if none of the three options was given. */
    static boolean absent(List<?> replacement, List<?> added, List<?> removed) {
        return Arguments.nonNull(replacement).isEmpty() && Arguments.nonNull(added).isEmpty()
                && Arguments.nonNull(removed).isEmpty();
    }

    private int indexOf(List<T> entries, String k) {
        String wanted = k.strip().toLowerCase(Locale.ROOT);
        for (int i = 0; i < entries.size(); i++) {
            if (key.apply(entries.get(i)).toLowerCase(Locale.ROOT).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    private String listed(List<T> entries) {
        return entries.isEmpty() ? "none" : String.join(", ", entries.stream().map(key).toList());
    }
}
