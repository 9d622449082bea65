/**
 * The backup repository: a deduplicated, compressed (LZ4), encrypted (AES-256-GCM)
 * store of disk backups, content-addressed in fixed-size chunks. The on-disk format is
 * documented in {@code docs/repository-format.md}.
 *
 * <p>{@link io.ferry.api.repository.RepositoryService} creates and opens repositories;
 * a {@link io.ferry.api.repository.Repository} lists, verifies and prunes backups and
 * hands out a {@link io.ferry.api.repository.BackupWriter} (one backup being written;
 * nothing is visible before {@code commit()}) or a
 * {@link io.ferry.api.repository.BackupReader}. The data mover
 * ({@code io.ferry.api.mover}) drives both; other bundles normally use the mover.
 *
 * <p>Service interfaces are {@code @ProviderType}: only the repository bundle implements
 * them. {@link io.ferry.api.repository.ProgressListener} is {@code @ConsumerType}.
 */
@Export
@Version("1.1.0")
package io.ferry.api.repository;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
