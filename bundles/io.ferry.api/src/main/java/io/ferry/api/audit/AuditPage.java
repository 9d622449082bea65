package io.ferry.api.audit;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A page of audit entries, newest first.
 *
 * @param entries the entries
 * @param next    where the next (older) page starts ({@link AuditQuery#before()}); empty on the last page
 */
public record AuditPage(List<AuditEntry> entries, OptionalLong next) {
    public AuditPage {
        entries = List.copyOf(entries);
        Objects.requireNonNull(next, "next");
    }
}
