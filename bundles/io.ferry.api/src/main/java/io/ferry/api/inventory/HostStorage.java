package io.ferry.api.inventory;

/**
 * A datastore, CSV volume, SMB3 share or pool of a platform host.
 *
 * @param name         name unique within its host (case-insensitive)
 * @param kind         storage technology
 * @param deduplicated Windows Data Deduplication is enabled on the volume (seed 004)
 */
public record HostStorage(String name, StorageKind kind, boolean deduplicated) {
    public HostStorage {
        name = Checks.name("storage.name", name);
        Checks.notNull("storage.kind", kind);
    }
}
