package io.ferry.shell.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.ValidationException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/** What the {@code *-update} commands share: the version to expect and the message when it moved on. */
final class Updates {

    private Updates() {
    }

    /** Refuses an update command without a change: every option was left out. */
    static void requireChange(boolean empty, String kind, String name, String command) {
        if (empty) {
            throw new ValidationException("", "Nothing to change for " + kind + " '" + name + "': give at least one"
                    + " option (see " + command + " --help)");
        }
    }

    /**
     * Writes {@code current} changed, unless nothing changes at the expected version, and
     * prints what happened. When the service refuses the write because the object is no
     * longer at the expected version, the error names the version it is at and how to re-read it.
     *
     * @param kind {@code server}, {@code host} or {@code VM}
     * @param reread the command that shows the object again, e.g. {@code ferry:host-list}
     * @param expectedVersion {@code --expected-version}, or null for the version of {@code current}
     * @param unchanged whether the changed spec equals the current one
     * @param write the update at the given expected version
     * @param reload the object as it is now (empty when it is gone)
     */
    static <T> void update(String kind, String reread, T current, Function<T, String> name, ToLongFunction<T> version,
            Long expectedVersion, boolean unchanged, LongFunction<T> write, Supplier<Optional<T>> reload) {
        String named = kind + " '" + name.apply(current) + "'";
        long expected = expectedVersion != null ? expectedVersion : version.applyAsLong(current);
        if (unchanged && expected == version.applyAsLong(current)) {
            System.out.println(capitalized(named) + " already has these settings (version "
                    + version.applyAsLong(current) + "); nothing changed");
            return;
        }
        T updated;
        try {
            updated = write.apply(expected);
        } catch (ConflictException e) {
            Optional<Long> now = reload.get().map(version::applyAsLong);
            if (now.isPresent() && now.get() != expected) {
                throw new ConflictException(capitalized(named) + " is at version " + now.get() + ", not " + expected
                        + ": it was changed since it was read. Nothing was written; re-read it with " + reread
                        + " and repeat the update.");
            }
            throw e;
        }
        System.out.println("Updated " + kind + " '" + name.apply(updated) + "' (version " + version.applyAsLong(updated)
                + ")");
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
