/**
 * Proxy and transport-mode selection: the {@link io.ferry.api.selection.Plan} for a job or a
 * VM says, per VM, which guest interaction proxy and, per disk, which backup proxy and
 * transport mode, or why the work waits or cannot be done. Every decision carries every
 * candidate with each rule's verdict, so "why that proxy" and "why not mine" have answers.
 *
 * <p>1.1: readiness results have a {@link io.ferry.api.selection.Severity}; only unmet
 * errors make a server not ready. {@link io.ferry.api.selection.SelectionService#plugins()} also
 * lists refused and stopped plugin bundles ({@link io.ferry.api.selection.PluginState}, with the
 * unmet requirement in words) and storage-snapshot and point-in-time providers.
 */
@Export
@Version("1.1.0")
package io.ferry.api.selection;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
