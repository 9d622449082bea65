package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.StorageKind;

/**
 * Parses the {@code --storage name:kind[:dedup]} option of {@code ferry:host-add}, e.g.
 * {@code ds1:vmfs}, {@code Volume1:csv:dedup}, {@code vmshare:smb3}, {@code local-zfs:pve-pool}.
 */
final class StorageSpecParser {
    static final String OPTION = "--storage";
    static final String FORM = "name:kind[:dedup], e.g. ds1:vmfs or Volume1:csv:dedup";

    private StorageSpecParser() {
    }

    static HostStorage parse(String text) {
        String t = text == null ? "" : text.strip();
        String[] parts = t.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
            throw new ValidationException(OPTION, "'" + t + "' is not " + FORM);
        }
        StorageKind kind = EnumNames.parse(StorageKind.class, parts[1], OPTION + " '" + t + "' kind");
        boolean dedup = parts.length == 3;
        if (dedup && !parts[2].strip().equalsIgnoreCase("dedup")) {
            throw new ValidationException(OPTION, "'" + t + "': the third part may only be 'dedup'"
                    + " (Windows Data Deduplication is enabled on the volume)");
        }
        try {
            return new HostStorage(parts[0].strip(), kind, dedup);
        } catch (ValidationException e) {
            throw new ValidationException(OPTION, e.problem());
        }
    }
}
