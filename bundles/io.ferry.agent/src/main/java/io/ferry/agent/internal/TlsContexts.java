package io.ferry.agent.internal;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The TLS settings of both ends, in one place: TLS 1.3 only, the JDK's TLS (no native
 * OpenSSL/BoringSSL to load inside OSGi), HTTP/2 by ALPN as gRPC needs.
 */
final class TlsContexts {
    static final String TLS_1_3 = "TLSv1.3";

    private TlsContexts() {
    }

    /**
     * The manager's: its own identity, client certificates optional (enrollment has none) but
     * checked against the CA when presented.
     */
    static SslContext manager(ManagerTls tls) throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forServer(tls.serverKeyManagers()), SslProvider.JDK)
                .trustManager(tls.trustManagers())
                .clientAuth(ClientAuth.OPTIONAL)
                .protocols(TLS_1_3)
                .build();
    }

    /** An agent's, before enrollment: no certificate of its own. */
    static SslContext enrolling(TrustManager trust) throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .trustManager(trust)
                .protocols(TLS_1_3)
                .build();
    }

    /** An enrolled agent's: mutual TLS with its key and certificate. */
    static SslContext agent(PrivateKey key, List<X509Certificate> chain, TrustManager trust) throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .keyManager(key, chain.toArray(X509Certificate[]::new))
                .trustManager(trust)
                .protocols(TLS_1_3)
                .build();
    }
}
