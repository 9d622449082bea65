/**
 * A repository split in two across a network: the <em>key side</em> (a proxy: it reads the
 * disk, addresses, compresses and encrypts chunks) and the <em>storage side</em> (a repository
 * server: it stores the sealed files of today's format and never holds the key). See
 * docs/repository-format.md, "Key side and storage side".
 *
 * <p>{@link io.ferry.repository.remote.StoreLink} is what travels between them, independent of
 * the transport; {@link io.ferry.repository.remote.RepositoryStore} is the storage side (it
 * implements the link for a repository directory, so a transport's server maps each call
 * onto it); {@link io.ferry.repository.remote.RemoteRepositories} opens the key side on a link
 * as an ordinary {@link io.ferry.api.repository.Repository}, unlocked with the password or
 * with {@link io.ferry.repository.remote.KeyMaterial} exported for one task.
 */
@Export
@Version("1.1.0")
package io.ferry.repository.remote;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
