/**
 * The data mover: disk sources and targets (local files and block devices, NBD over
 * TCP, TLS or unix sockets) and the backup / restore pipeline that moves their data into
 * and out of a repository ({@code io.ferry.api.repository}).
 *
 * <p>{@link io.ferry.api.mover.DiskSources} opens sources and targets by URI;
 * {@link io.ferry.api.mover.DataMover} runs a backup or a restore. Both are
 * {@code @ProviderType} services of the {@code io.ferry.mover} bundle.
 * {@link io.ferry.api.mover.DiskSource} and {@link io.ferry.api.mover.DiskTarget} are
 * {@code @ConsumerType}: a vendor bundle may implement its own (a storage array's
 * snapshot reader, say) and hand it to the mover.
 */
@Export
@Version("1.1.0")
package io.ferry.api.mover;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
