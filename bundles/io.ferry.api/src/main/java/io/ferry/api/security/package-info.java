/**
 * Who may call Ferry's services. Three roles, each including the one below it:
 * {@link io.ferry.api.security.FerryRole#VIEWER ferry-viewer} (lists, shows, plans, checks,
 * sessions, backups), {@link io.ferry.api.security.FerryRole#OPERATOR ferry-operator} (runs,
 * stops and retries jobs, backs up disks, verifies repositories) and
 * {@link io.ferry.api.security.FerryRole#ADMIN ferry-admin} (changes the inventory and jobs,
 * imports, restores, prunes, creates repositories). Karaf's own {@code admin} role counts as
 * ferry-admin.
 *
 * <p>The services check the JAAS {@link javax.security.auth.Subject} of the calling thread
 * ({@link io.ferry.api.security.Caller#current()}); every front end (the Karaf shell, a REST
 * API) runs its calls under the logged-in user's Subject and so inherits the same rules. A call
 * with no Subject is Ferry's own work (the scheduler, component activation, job task threads)
 * and runs as the user {@code system} with every right. docs/security.md, section "Roles".
 *
 * <p>{@link io.ferry.api.security.ApiTokens} (since 1.1): tokens that log scripts in as their
 * user, with a role no higher than the user's.
 */
@Export
@Version("1.1.0")
package io.ferry.api.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
