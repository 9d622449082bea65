package io.ferry.pki;

import io.ferry.pki.internal.CaTrust;
import io.ferry.pki.internal.ManagerFactories;
import io.ferry.pki.internal.SingleKeyManager;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key and trust managers for mutual TLS from an agent's files (key, certificate, CA
 * certificate), for an {@code SSLContext} or Netty/gRPC's {@code SslContextBuilder}.
 */
public final class TlsMaterial {

    private TlsMaterial() {
    }

    /** Key managers that present {@code certificate} with the chain [certificate, CA certificate]. */
    public static KeyManagerFactory keyManagers(PrivateKey key, X509Certificate certificate,
            X509Certificate caCertificate) {
        var identity = new SingleKeyManager.Identity(key, List.of(certificate, caCertificate));
        return ManagerFactories.keyManagerFactory(new SingleKeyManager(() -> identity));
    }

    /**
     * Trust managers that accept any certificate the CA issued, and nothing else (PKIX:
     * signature, validity, key usage and extended key usage; the host name too when the
     * connection asks for endpoint identification). For a repository agent serving proxies,
     * and a proxy connecting to a repository agent (check {@link Certificates#commonName} for
     * the server you expect).
     */
    public static TrustManagerFactory trustManagers(X509Certificate caCertificate) {
        return ManagerFactories.trustManagerFactory(CaTrust.of(caCertificate));
    }

    /**
     * Trust managers for an agent connecting to the manager: as {@link #trustManagers}, and
     * the server's certificate must be the manager's ({@link Certificates#isManager}), so that
     * another agent's certificate from the same CA cannot stand in for the manager.
     */
    public static TrustManagerFactory managerTrustManagers(X509Certificate caCertificate) {
        return ManagerFactories.trustManagerFactory(
                CaTrust.of(caCertificate, Certificates::isManager, "the Ferry manager's (O=Ferry, OU=manager)"));
    }
}
