package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.Objects;
import java.util.Optional;

/**
 * Which virtual machines to list, ordered by name.
 *
 * @param host     only VMs on this host
 * @param contains only VMs whose name contains this text (case-insensitive)
 * @param offset   skip this many matches
 * @param limit    return at most this many ({@link Integer#MAX_VALUE} for all)
 */
public record VmQuery(Optional<String> host, Optional<String> contains, int offset, int limit) {

    public VmQuery {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(contains, "contains");
        if (offset < 0) {
            throw new ValidationException("offset", "must not be negative");
        }
        if (limit < 0) {
            throw new ValidationException("limit", "must not be negative");
        }
    }

    public static VmQuery all() {
        return new VmQuery(Optional.empty(), Optional.empty(), 0, Integer.MAX_VALUE);
    }

    public VmQuery onHost(String hostName) {
        return new VmQuery(Optional.of(hostName), contains, offset, limit);
    }

    public VmQuery nameContains(String text) {
        return new VmQuery(host, Optional.of(text), offset, limit);
    }

    public VmQuery page(int newOffset, int newLimit) {
        return new VmQuery(host, contains, newOffset, newLimit);
    }
}
