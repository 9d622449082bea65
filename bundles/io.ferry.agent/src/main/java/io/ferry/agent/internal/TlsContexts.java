package io.ferry.agent.internal;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The TLS settings of every end, in one place: TLS 1.3 only, HTTP/2 by ALPN as gRPC needs, and
 * the TLS implementation: BoringSSL (Netty's tcnative, shaded into io.ferry.grpc for Linux
 * x86_64 and aarch64) when it loads, since it encrypts at AES-NI speed where the JDK's AES-GCM
 * costs as much CPU as the whole data mover (docs/benchmarks.md, "Agents"); the JDK's TLS
 * otherwise, or when the system property {@code ferry.tls.jdk} is {@code true}. Certificates,
 * trust decisions (the {@link ManagerTrust} rules, the CA) and protocols are the same with both.
 */
final class TlsContexts {
    static final String TLS_1_3 = "TLSv1.3";

    /** Which TLS implementation this JVM uses and why, for the start-up log (no logger here: the enrollment tool runs without one). */
    private static String description;

    /** The TLS implementation of this JVM, chosen once (sets {@link #description}). */
    static final SslProvider PROVIDER = provider();

    private TlsContexts() {
    }

    private static SslProvider provider() {
        if (Boolean.getBoolean("ferry.tls.jdk")) {
            description = "the JDK's (ferry.tls.jdk=true)";
            return SslProvider.JDK;
        }
        try {
            if (OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
                description = OpenSsl.versionString() + " (native)";
                return SslProvider.OPENSSL;
            }
            description = "the JDK's (native BoringSSL not available: " + (OpenSsl.unavailabilityCause() == null
                    ? "no TLS 1.3" : OpenSsl.unavailabilityCause().toString()) + ")";
        } catch (LinkageError | RuntimeException e) {
            description = "the JDK's (native BoringSSL not loadable: " + e + ")";
        }
        return SslProvider.JDK;
    }

    /** Which TLS implementation this JVM uses, and why: for the start-up log. */
    static String implementation() {
        return description;
    }

    private static SslContext build(SslContextBuilder builder) throws SSLException {
        return GrpcSslContexts.configure(builder, PROVIDER).protocols(TLS_1_3).build();
    }

    /**
     * The manager's: its own identity, client certificates optional (enrollment has none) but
     * checked against the CA when presented.
     */
    static SslContext manager(ManagerTls tls) throws SSLException {
        return build(SslContextBuilder.forServer(tls.serverKeyManagers()).trustManager(tls.trustManagers())
                .clientAuth(ClientAuth.OPTIONAL));
    }

    /** An agent's, before enrollment: no certificate of its own. */
    static SslContext enrolling(TrustManager trust) throws SSLException {
        return build(SslContextBuilder.forClient().trustManager(trust));
    }

    /** An enrolled agent's: mutual TLS with its key and certificate. */
    static SslContext agent(PrivateKey key, List<X509Certificate> chain, TrustManager trust) throws SSLException {
        return build(SslContextBuilder.forClient().keyManager(key, chain.toArray(X509Certificate[]::new))
                .trustManager(trust));
    }

    /** A repository agent's store listener: its own identity, a client certificate of the CA required. */
    static SslContext store(AgentIdentity identity) throws SSLException {
        return build(SslContextBuilder.forServer(identity.key(), identity.certificate(), identity.ca())
                .trustManager(identity.ca()).clientAuth(ClientAuth.REQUIRE));
    }

    /** The manager calling a repository agent: the manager's identity, trusting {@code trust}. */
    static SslContext managerClient(KeyManagerFactory identity, TrustManager trust) throws SSLException {
        return build(SslContextBuilder.forClient().keyManager(identity).trustManager(trust));
    }
}
