/**
 * Confined paths: the directories (and NBD hosts) through which Ferry's services read and
 * write files a caller names: disk sources, NBD sockets, restore targets, inventory
 * import/export files, password files and repositories.
 *
 * <p>{@link io.ferry.api.paths.PathPolicy} is the service every such service asks before it
 * touches a path; {@link io.ferry.api.paths.ConfinedPaths} is its implementation as a plain
 * value (roots per {@link io.ferry.api.paths.PathArea}, the NBD host allow-list, and the
 * directories no command may reach, Ferry's {@code etc/} first). A refusal is a
 * {@link io.ferry.api.paths.PathNotAllowedException} naming the root(s) and the setting of
 * configuration PID {@code io.ferry.paths} that would allow the path.
 */
@Export
@Version("1.1.0")
package io.ferry.api.paths;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
