package io.ferry.api.audit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The audit trail in the catalog. Services record through it (usually with {@link Audit});
 * reading it needs the {@code ferry-admin} role.
 */
@ProviderType
public interface AuditLog {

    /** A log that keeps nothing: for a service running without the catalog. */
    AuditLog NONE = new AuditLog() {
        @Override
        public void record(AuditEntry entry) {
            // nothing is kept
        }

        @Override
        public AuditPage query(AuditQuery query) {
            return new AuditPage(java.util.List.of(), java.util.OptionalLong.empty());
        }
    };

    /** Stores {@code entry} (its id is ignored; the catalog numbers entries). */
    void record(AuditEntry entry);

    /**
     * Entries matching {@code query}, newest first.
     *
     * @throws io.ferry.api.security.AccessDeniedException unless the caller is a ferry-admin
     */
    AuditPage query(AuditQuery query);
}
