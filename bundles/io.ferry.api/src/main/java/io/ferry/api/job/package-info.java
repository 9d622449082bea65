/**
 * Backup job definitions: which VMs, to which repository, through which proxies, with which
 * transport mode and guest processing. Selection plans per job; running jobs comes later.
 */
@Export
@Version("1.1.0")
package io.ferry.api.job;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
