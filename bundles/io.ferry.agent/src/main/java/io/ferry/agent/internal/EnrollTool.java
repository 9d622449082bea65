package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.EnrollReply;
import io.ferry.agent.protocol.v1.EnrollRequest;
import io.ferry.agent.protocol.v1.EnrollmentGrpc;
import io.ferry.api.agent.EnrollmentToken;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * {@code ./ferry agent enroll --manager HOST:PORT --token TOKEN --dir DIR}: enrolls this machine's
 * agent. Makes an EC P-256 key (it never leaves DIR), sends a certificate request with the
 * token to the manager, trusting the manager only if its certificate chain contains the CA
 * certificate whose fingerprint is in the token, and writes {@code agent.key} (owner-only),
 * {@code agent.crt}, {@code ca.crt} and {@code agent.properties} into DIR. Runs outside OSGi
 * with the io.ferry.grpc, io.ferry.api, io.ferry.agent and BouncyCastle jars on the class path.
 *
 * <p>Exit codes: 0 enrolled, 1 refused or failed (the message says why), 2 wrong arguments.
 */
public final class EnrollTool {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String USAGE = "usage: ferry agent enroll --manager HOST:PORT --token TOKEN --dir DIR"
            + " [--timeout SECONDS]";

    private EnrollTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The outcome of an enrollment: the server the agent acts for and its certificate's expiry. */
    public record Enrolled(String server, Instant certificateExpires, Path dir) {
    }

    /** An enrollment that did not happen, with the reason to show. */
    public static final class EnrollmentFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        EnrollmentFailedException(String message) {
            super(message);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || i + 1 >= args.length) {
                err.println("ferry agent enroll: " + (name.startsWith("--") ? name + " needs a value" : "unexpected '"
                        + name + "'"));
                err.println(USAGE);
                return 2;
            }
            options.put(name.substring(2), args[++i]);
        }
        for (String required : new String[] {"manager", "token", "dir"}) {
            if (!options.containsKey(required)) {
                err.println("ferry agent enroll: --" + required + " is missing");
                err.println(USAGE);
                return 2;
            }
        }
        HostPort manager;
        EnrollmentToken.Text token;
        Duration timeout = DEFAULT_TIMEOUT;
        try {
            manager = HostPort.parse(options.get("manager"));
            token = EnrollmentToken.Text.parse(options.get("token"));
            if (options.containsKey("timeout")) {
                timeout = Duration.ofSeconds(Long.parseLong(options.get("timeout")));
                if (timeout.isNegative() || timeout.isZero()) {
                    throw new IllegalArgumentException("--timeout must be a positive number of seconds");
                }
            }
        } catch (NumberFormatException e) {
            err.println("ferry agent enroll: --timeout must be a number of seconds");
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("ferry agent enroll: " + e.getMessage());
            return 2;
        }
        Path dir = Path.of(options.get("dir"));
        options.keySet().removeAll(java.util.List.of("manager", "token", "dir", "timeout"));
        if (!options.isEmpty()) {
            err.println("ferry agent enroll: unknown option --" + options.keySet().iterator().next());
            err.println(USAGE);
            return 2;
        }
        try {
            Enrolled enrolled = enroll(manager, token, dir, timeout);
            out.println("Enrolled as the agent of server '" + enrolled.server() + "' with the manager at " + manager
                    + " (certificate valid until " + enrolled.certificateExpires() + "; files in " + enrolled.dir()
                    + ")");
            return 0;
        } catch (EnrollmentFailedException e) {
            err.println("ferry agent enroll: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Enrolls: key pair, certificate request, one Enroll call with a deadline of {@code timeout},
     * the files written atomically.
     */
    public static Enrolled enroll(HostPort manager, EnrollmentToken.Text token, Path dir, Duration timeout)
            throws EnrollmentFailedException {
        KeyPair keys = io.ferry.pki.AgentKeys.newKeyPair();
        EnrollRequest request = EnrollRequest.newBuilder()
                .setProtocol(Protocol.toProto(Protocol.CURRENT))
                .setFerryVersion(FerryVersion.current())
                .setToken(token.toString())
                .setCsrDer(ByteString.copyFrom(io.ferry.pki.AgentKeys.csr(keys, "ferry-agent")))
                .build();
        EnrollReply reply = call(manager, token, request, timeout);
        X509Certificate certificate;
        X509Certificate ca;
        try {
            certificate = io.ferry.pki.Certificates.fromDer(reply.getCertificateDer().toByteArray());
            ca = io.ferry.pki.Certificates.fromDer(reply.getCaCertificateDer().toByteArray());
        } catch (IllegalArgumentException e) {
            throw new EnrollmentFailedException("the manager's reply holds no valid certificate: " + e.getMessage());
        }
        if (!io.ferry.pki.Fingerprints.sha256(ca).equals(token.caFingerprint())) {
            throw new EnrollmentFailedException("the manager answered with another CA certificate than the token's"
                    + " (fingerprint " + io.ferry.pki.Fingerprints.sha256(ca) + "): not enrolled");
        }
        if (!certificate.getPublicKey().equals(keys.getPublic())) {
            throw new EnrollmentFailedException("the manager's certificate is not for the key this agent made: not"
                    + " enrolled");
        }
        try {
            certificate.verify(ca.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new EnrollmentFailedException("the agent certificate is not signed by the manager's CA: not"
                    + " enrolled");
        }
        try {
            write(dir, keys, certificate, ca, manager, reply.getServer());
        } catch (IOException e) {
            throw new EnrollmentFailedException("enrolled as '" + reply.getServer() + "', but writing " + dir
                    + " failed: " + e.getMessage() + " (create a new token and enroll again)");
        }
        return new Enrolled(reply.getServer(), certificate.getNotAfter().toInstant(), dir);
    }

    private static EnrollReply call(HostPort manager, EnrollmentToken.Text token, EnrollRequest request,
            Duration timeout) throws EnrollmentFailedException {
        EventLoopGroup loops = NettyResources.eventLoops(1, "ferry-enroll-io");
        ManagedChannel channel = null;
        try {
            channel = NettyChannelBuilder.forAddress(manager.host(), manager.port())
                    .channelType(NioSocketChannel.class)
                    .eventLoopGroup(loops)
                    .sslContext(TlsContexts.enrolling(ManagerTrust.pinned(token.caFingerprint())))
                    .build();
            return EnrollmentGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .enroll(request);
        } catch (SSLException e) {
            throw new EnrollmentFailedException("cannot set up TLS: " + e.getMessage());
        } catch (StatusRuntimeException e) {
            throw new EnrollmentFailedException(explain(e.getStatus(), manager, timeout));
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            NettyResources.shutdown(loops);
        }
    }

    static String explain(Status status, HostPort manager, Duration timeout) {
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return "refusing to enroll with " + manager + ": " + t.getMessage() + " (the token was not sent)";
            }
        }
        String description = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        return switch (status.getCode()) {
            case PERMISSION_DENIED -> "the manager refused the token: " + description;
            case FAILED_PRECONDITION -> "the manager refused this agent: " + description;
            case INVALID_ARGUMENT -> "the manager refused the request: " + description;
            case DEADLINE_EXCEEDED -> "the manager at " + manager + " did not answer within " + timeout.toSeconds()
                    + " s";
            case UNAVAILABLE -> "cannot reach the manager at " + manager + ": " + description
                    + (status.getCause() != null && status.getCause().getMessage() != null
                            ? " (" + status.getCause().getMessage() + ")" : "");
            default -> "enrollment failed: " + status.getCode() + " " + description;
        };
    }

    private static void write(Path dir, KeyPair keys, X509Certificate certificate, X509Certificate ca,
            HostPort manager, String server) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        writeAtomically(dir, AgentIdentity.KEY, io.ferry.pki.Pem.privateKey(keys.getPrivate()));
        writeAtomically(dir, AgentIdentity.CERTIFICATE, io.ferry.pki.Pem.certificates(java.util.List.of(certificate)));
        writeAtomically(dir, AgentIdentity.CA, io.ferry.pki.Pem.certificates(java.util.List.of(ca)));
        // last: its presence says the enrollment is complete
        writeAtomically(dir, AgentIdentity.PROPERTIES, "# written by ferry agent enroll at " + Instant.now() + "\n"
                + "manager=" + manager + "\n"
                + "server=" + server + "\n"
                + "ca.fingerprint=" + io.ferry.pki.Fingerprints.sha256(ca) + "\n");
    }

    /** Owner-only from creation (the key), moved into place in one step. */
    private static void writeAtomically(Path dir, String name, String content) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        try (SeekableByteChannel out = Files.newByteChannel(tmp,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        try (var channel = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
