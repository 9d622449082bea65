package io.ferry.shell.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.ValidationException;
import java.util.Optional;
import java.util.function.Supplier;

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
     * Runs the write; when the service refuses it because the object is no longer at
     * {@code version}, the error says so, names the version it is at and how to re-read it.
     *
     * @param kind {@code Server}, {@code Host} or {@code VM}
     * @param reread the command that shows the object again, e.g. {@code ferry:host-list}
     * @param versionNow the object's version after the refusal (empty when it is gone)
     */
    static <T> T write(String kind, String name, long version, String reread, Supplier<T> write,
            Supplier<Optional<Long>> versionNow) {
        try {
            return write.get();
        } catch (ConflictException e) {
            Optional<Long> now = versionNow.get();
            if (now.isPresent() && now.get() != version) {
                throw new ConflictException(kind + " '" + name + "' is at version " + now.get() + ", not " + version
                        + ": it was changed since it was read. Nothing was written; re-read it with " + reread
                        + " and repeat the update.");
            }
            throw e;
        }
    }
}
