package io.ferry.mover.internal.source;

import io.ferry.api.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a disk is: a local file or block device, or an NBD export. {@link #parse} accepts
 * the forms listed in {@link #ACCEPTED_FORMS} and rejects anything else with a
 * {@link ValidationException} on {@code location} that lists them.
 */
public sealed interface DiskLocation permits DiskLocation.LocalFile, DiskLocation.NbdExport {

    String ACCEPTED_FORMS = "accepted forms: a path (/dev/sdb, /srv/disk.raw, ./disk.raw), file:///srv/disk.raw,"
            + " nbd://host[:port]/export, nbds://host[:port]/export (TLS),"
            + " nbd+unix:///export?socket=/run/nbd.sock, nbds+unix:///export?socket=/run/nbd.sock (TLS)";

    /** The location for people: a path, or the URI without secrets. */
    String description();

    /** A regular file or block device; {@code path} is absolute. */
    record LocalFile(Path path) implements DiskLocation {
        public LocalFile {
            Objects.requireNonNull(path, "path");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("path must be absolute: " + path);
            }
        }

        @Override
        public String description() {
            return path.toString();
        }
    }

    /**
     * An NBD export.
     *
     * @param uri         the URI as given, for libnbd (may carry secrets: never print it)
     * @param tls         nbds:// or nbds+unix://
     * @param unixSocket  nbd+unix:// or nbds+unix://
     * @param description the URI without query parameters or user info that carry secrets
     * @param socket      the unix socket path (decoded), null for a TCP export
     * @param host        the TCP host without IPv6 brackets, null for a unix socket or a host name
     *                    {@link URI} cannot read
     * @param port        the TCP port ({@value DiskLocation#NBD_DEFAULT_PORT} when the URI names none)
     */
    record NbdExport(String uri, boolean tls, boolean unixSocket, String description, String socket, String host,
            int port) implements DiskLocation {
        public NbdExport {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(description, "description");
        }
    }

    /** The port of an NBD server when the URI names none. */
    int NBD_DEFAULT_PORT = 10809;

    /** Parses a location given by a user or a job; relative paths resolve against the working directory. */
    static DiskLocation parse(String location) {
        if (location == null || location.isBlank()) {
            throw new ValidationException("location", "is empty; " + ACCEPTED_FORMS);
        }
        String text = location.strip();
        var scheme = UriText.SCHEME.matcher(text);
        if (!scheme.lookingAt()) {
            return localPath(text);
        }
        String name = scheme.group(1).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "file" -> fileUri(text);
            case "nbd", "nbds", "nbd+unix", "nbds+unix" -> nbdUri(text, name);
            default -> throw new ValidationException("location",
                    "'" + UriText.withoutSecrets(text) + "' has the unsupported scheme '" + name + ":'; "
                            + ACCEPTED_FORMS);
        };
    }

    private static DiskLocation localPath(String text) {
        try {
            return new LocalFile(Path.of(text).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw new ValidationException("location", "'" + text + "' is not a valid path (" + e.getReason() + "); "
                    + ACCEPTED_FORMS);
        }
    }

    private static DiskLocation fileUri(String text) {
        try {
            URI uri = new URI(text);
            if (uri.isOpaque() || uri.getPath() == null || uri.getPath().isEmpty()) {
                throw new ValidationException("location", "'" + text + "' is not an absolute file URI"
                        + " (file:///srv/disk.raw); for a relative path leave out 'file:'");
            }
            String authority = uri.getAuthority();
            if (authority != null && !authority.isEmpty() && !"localhost".equalsIgnoreCase(authority)) {
                throw new ValidationException("location", "'" + text + "' names the remote host '" + authority
                        + "': a file URI must be local (file:///path)");
            }
            return new LocalFile(Path.of(uri.getPath()).normalize());
        } catch (URISyntaxException | InvalidPathException e) {
            throw new ValidationException("location", "'" + text + "' is not a valid file URI (" + e.getMessage()
                    + "); " + ACCEPTED_FORMS);
        }
    }

    private static DiskLocation nbdUri(String text, String scheme) {
        String description = UriText.withoutSecrets(text);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ValidationException("location", "'" + description + "' is not a valid NBD URI ("
                    + e.getReason() + "); " + ACCEPTED_FORMS);
        }
        boolean unix = scheme.endsWith("+unix");
        if (uri.isOpaque()) {
            throw new ValidationException("location", "'" + description + "' is not a valid NBD URI (expected "
                    + scheme + "://...); " + ACCEPTED_FORMS);
        }
        if (unix && UriText.queryValue(uri.getRawQuery(), "socket") == null) {
            throw new ValidationException("location", "'" + description + "' has no socket: write "
                    + scheme + ":///export?socket=/path/to/nbd.sock");
        }
        if (!unix && (uri.getRawAuthority() == null || uri.getRawAuthority().isBlank())) {
            throw new ValidationException("location", "'" + description + "' has no host: write "
                    + scheme + "://host[:port]/export");
        }
        String socket = unix
                ? URLDecoder.decode(UriText.queryValue(uri.getRawQuery(), "socket"), StandardCharsets.UTF_8) : null;
        String host = unix ? null : uri.getHost();
        if (host != null && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new NbdExport(text, scheme.startsWith("nbds"), unix, description, socket, host,
                uri.getPort() < 0 ? NBD_DEFAULT_PORT : uri.getPort());
    }
}
