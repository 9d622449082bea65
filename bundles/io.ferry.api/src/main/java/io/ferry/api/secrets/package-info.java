/**
 * Secrets at rest: configuration values such as the catalog's database password stored as
 * {@code ENC(...)}, encrypted under a master key that lives in its own owner-only file
 * outside the catalog ({@code ${karaf.etc}/ferry-master.key}). See
 * {@link io.ferry.api.secrets.SecretBox}.
 */
@Export
@Version("1.0.0")
package io.ferry.api.secrets;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
