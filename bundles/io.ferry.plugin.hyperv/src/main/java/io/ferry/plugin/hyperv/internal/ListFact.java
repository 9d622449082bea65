package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.ManagedServer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A server fact holding a comma-separated list of names ({@code smb.localsystem-read=share1, share2}),
 * compared case-insensitively as every inventory name is.
 */
record ListFact(String key, Optional<List<String>> values) {

    static ListFact of(ManagedServer server, String key) {
        return new ListFact(key, server.spec().fact(key).map(v -> Arrays.stream(v.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList()));
    }

    boolean declared() {
        return values.isPresent();
    }

    boolean contains(String name) {
        return values.orElse(List.of()).stream().anyMatch(v -> v.equalsIgnoreCase(name));
    }

    /** {@code san.access: csv1, csv2} or {@code san.access not declared}, for reasons. */
    String describe() {
        return values.map(v -> key + ": " + (v.isEmpty() ? "empty" : String.join(", ", v)))
                .orElse(key + " not declared");
    }
}
