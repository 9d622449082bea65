package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Renames the record field in a {@link ValidationException} to the shell option the user
 * typed: {@code maxConcurrentTasks: must be between 1 and 256} becomes
 * {@code --max-tasks: must be between 1 and 256}.
 */
final class SpecErrors {

    static final Map<String, String> SERVER_OPTIONS = Map.ofEntries(
            Map.entry("name", "NAME"), Map.entry("address", "--address"), Map.entry("os", "--os"),
            Map.entry("machineKind", "--kind"), Map.entry("networks", "--network"), Map.entry("network", "--network"),
            Map.entry("site", "--site"), Map.entry("domain", "--domain"), Map.entry("trustedDomains", "--trusted-domain"),
            Map.entry("facts", "--fact"), Map.entry("installedPackages", "--package"),
            Map.entry("maxConcurrentTasks", "--max-tasks"));

    /** In an update the name only changes through {@code --rename}. */
    static final Map<String, String> SERVER_UPDATE_OPTIONS = with(SERVER_OPTIONS, "name", "--rename");

    static final Map<String, String> HOST_OPTIONS = Map.ofEntries(
            Map.entry("name", "NAME"), Map.entry("kind", "--kind"), Map.entry("address", "--address"),
            Map.entry("parent", "--parent"), Map.entry("version", "--version"), Map.entry("domain", "--domain"),
            Map.entry("managedServer", "--managed-server"), Map.entry("storage", "--storage"));

    static final Map<String, String> HOST_UPDATE_OPTIONS = with(HOST_OPTIONS, "name", "--rename");

    static final Map<String, String> VM_OPTIONS = Map.ofEntries(
            Map.entry("name", "NAME"), Map.entry("host", "--host"), Map.entry("guestOs", "--os"),
            Map.entry("os", "--os"), Map.entry("networks", "--network"), Map.entry("network", "--network"),
            Map.entry("disks", "--disk"), Map.entry("credentials", "--credentials"));

    static final Map<String, String> VM_UPDATE_OPTIONS = with(VM_OPTIONS, "name", "--rename");

    private SpecErrors() {
    }

    /** Runs {@code action}; a validation error comes back under the option name. */
    static <T> T asOptions(Map<String, String> options, Supplier<T> action) {
        try {
            return action.get();
        } catch (ValidationException e) {
            throw renamed(e, options);
        }
    }

    private static Map<String, String> with(Map<String, String> base, String field, String option) {
        HashMap<String, String> out = new HashMap<>(base);
        out.put(field, option);
        return Map.copyOf(out);
    }

    static ValidationException renamed(ValidationException e, Map<String, String> options) {
        String field = e.field();
        int end = 0;
        while (end < field.length() && field.charAt(end) != '.' && field.charAt(end) != '[') {
            end++;
        }
        String option = options.get(field.substring(0, end));
        if (option == null) {
            return e;
        }
        // Keep the key of a fact (facts.k) but drop list indexes and sub-fields: the message quotes the value.
        String detail = field.startsWith("facts.") ? " " + field.substring(end + 1) : "";
        ValidationException renamed = new ValidationException(option + detail, e.problem());
        renamed.setStackTrace(e.getStackTrace());
        return renamed;
    }
}
