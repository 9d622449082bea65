package io.ferry.api.paths;

import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Decides which files, sockets and NBD hosts Ferry's services may reach on behalf of a
 * caller. Every service that opens a path a caller named (disk sources, restore targets,
 * import/export files, password files, repositories) asks first, so every front end (the
 * shell, a REST API) inherits the same rules.
 *
 * <p>A path is checked as the operating system would resolve it: made absolute, then the
 * existing part resolved with symlinks followed and {@code ..} applied after them, then the
 * rest appended. A symlink inside a root pointing out of it is therefore refused, and so is
 * anything under Ferry's {@code etc/} directory, whatever the roots say.
 */
@ProviderType
public interface PathPolicy {

    /** The configuration PID of the policy. */
    String PID = "io.ferry.paths";

    /** The configuration key of the NBD host allow-list. */
    String NBD_HOSTS = "nbd.hosts";

    /**
     * Returns the resolved path (symlinks of its existing part followed) if it lies inside
     * one of the roots of {@code area} and outside Ferry's {@code etc/}; use the returned path,
     * not the given one.
     *
     * @throws PathNotAllowedException naming the roots and the setting otherwise
     */
    Path require(PathArea area, Path path);

    /**
     * Checks that a TCP NBD server at {@code host:port} is on the allow-list {@value #NBD_HOSTS}.
     * The host is compared as written (names are never looked up).
     *
     * @throws PathNotAllowedException naming the setting otherwise
     */
    void requireNbdHost(String host, int port);

    /** The roots of {@code area}, resolved, in configuration order. */
    List<Path> roots(PathArea area);
}
