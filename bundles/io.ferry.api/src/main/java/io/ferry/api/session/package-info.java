/**
 * Backup sessions: one run of a job, with one task per disk, the guest processing of each
 * VM and the figures of each task (issue 6).
 *
 * <p>{@link io.ferry.api.session.SessionService} (bundle {@code io.ferry.jobs}) starts,
 * stops and retries runs and restores VMs;
 * {@link io.ferry.api.session.JobRepositoryService} (the same bundle, since 1.2) lists, verifies
 * and restores from the job repositories for every front end, with the role, audit and
 * restore-target rules; {@link io.ferry.api.session.SessionStore}
 * (bundle {@code io.ferry.inventory}) persists sessions and the changed-block trust
 * ledger in the configuration database. Progress and state changes are also posted as
 * OSGi events, see {@link io.ferry.api.session.SessionEvents}.
 */
@Export
@Version("1.2.0")
package io.ferry.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
