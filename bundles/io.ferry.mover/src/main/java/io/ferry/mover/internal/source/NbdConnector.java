package io.ferry.mover.internal.source;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.mover.internal.nativeio.LibNbd;
import io.ferry.mover.internal.nativeio.Errno;
import io.ferry.mover.internal.nativeio.NbdException;
import io.ferry.mover.internal.nativeio.NbdHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes connected {@link NbdHandle}s to one export: TLS for nbds URIs (required, with the
 * certificate directory of the options), the meta contexts asked for before connecting.
 */
final class NbdConnector {

    private final LibNbd nbd;
    private final DiskLocation.NbdExport location;
    private final Path tlsCertificates;
    private final List<String> metaContexts;
    private final long requestTimeoutMillis;
    private volatile Supplier<String> stopCheck = () -> null;

    /** {@code requestTimeoutMillis}: the deadline of each request on the connections made (see {@link NbdHandle}). */
    NbdConnector(LibNbd nbd, DiskLocation.NbdExport location, Path tlsCertificates, List<String> metaContexts,
            long requestTimeoutMillis) {
        this.nbd = Objects.requireNonNull(nbd, "nbd");
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.location = Objects.requireNonNull(location, "location");
        this.tlsCertificates = tlsCertificates;
        this.metaContexts = List.copyOf(metaContexts);
        if (location.tls() && tlsCertificates != null && !Files.isRegularFile(tlsCertificates.resolve("ca-cert.pem"))) {
            throw new ValidationException("tlsCertificates", tlsCertificates + " has no ca-cert.pem: give the"
                    + " directory with ca-cert.pem (and client-cert.pem / client-key.pem for client authentication)");
        }
    }

    String description() {
        return location.description();
    }

    /** The stop check given to every connection made from now on, before it connects. */
    void stopWhen(Supplier<String> check) {
        stopCheck = Objects.requireNonNull(check, "check");
    }

    /** How long the first connection may take, handshake (and TLS) included. */
    static final long FIRST_CONNECT_TIMEOUT_MILLIS = 60_000;
    /** How long a further connection may take before the pool stops growing. */
    static final long EXTRA_CONNECT_TIMEOUT_MILLIS = 5_000;

    NbdHandle connect() throws NbdException {
        NbdHandle handle = connect(FIRST_CONNECT_TIMEOUT_MILLIS);
        if (handle == null) {
            throw new NbdException("nbd_aio_connect_uri", location.description() + ": the NBD server accepted the"
                    + " connection but did not complete the handshake within " + FIRST_CONNECT_TIMEOUT_MILLIS / 1000
                    + " s (does it allow only one client, already taken? qemu-nbd: --shared=N)", Errno.EAGAIN);
        }
        return handle;
    }

    /** A connected handle, or null when the handshake did not complete within {@code timeoutMillis}. */
    NbdHandle connect(long timeoutMillis) throws NbdException {
        NbdHandle handle = NbdHandle.create(nbd, location.description(), requestTimeoutMillis);
        handle.stopWhen(stopCheck);
        try {
            if (location.tls()) {
                handle.requireTls(tlsCertificates);
            }
            for (String context : metaContexts) {
                handle.addMetaContext(context);
            }
            if (!handle.connectUri(location.uri(), timeoutMillis)) {
                handle.close();
                return null;
            }
            return handle;
        } catch (NbdException | RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** The first connection of a source or target: failures become a message for the administrator. */
    NbdHandle connectForOpen(String role) {
        try {
            return connect();
        } catch (NbdException e) {
            throw new FerryException("Cannot open NBD " + role + " " + location.description() + ": " + e.getMessage()
                    + hint(e.getMessage()), e);
        }
    }

    private String hint(String message) {
        String text = message.toLowerCase(Locale.ROOT);
        if (location.tls() && (text.contains("certificate") || text.contains("tls") || text.contains("gnutls")
                || text.contains("handshake"))) {
            return " (TLS/certificate problem: the server's certificate must be signed by the CA in "
                    + (tlsCertificates == null ? "the system trust store" : tlsCertificates.resolve("ca-cert.pem"))
                    + " and name the host; a server that checks clients needs client-cert.pem and client-key.pem"
                    + " in the same directory)";
        }
        if (!location.tls() && text.contains("tls")) {
            return " (the server requires TLS: use nbds:// or nbds+unix:// with the CA certificate directory)";
        }
        if (text.contains("connection refused") || text.contains("no such file")) {
            return " (is the NBD server running, and is the address right?)";
        }
        return "";
    }
}
