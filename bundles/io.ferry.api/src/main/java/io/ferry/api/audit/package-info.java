/**
 * The audit trail: every change made through Ferry's services (and every refused call) is
 * recorded in the catalog with the user, the time, the action, its target and the result.
 * Secrets never reach it: {@link io.ferry.api.audit.AuditEntry} masks password-like values in
 * every text it holds. docs/security.md, section "Audit trail".
 */
@Export
@Version("1.0.0")
package io.ferry.api.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
