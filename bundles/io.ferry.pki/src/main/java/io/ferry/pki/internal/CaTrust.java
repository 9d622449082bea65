package io.ferry.pki.internal;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in one CA: the JDK's PKIX trust manager with that CA as its only anchor (signature,
 * validity, key usage, extended key usage for the side, and the host name when the connection
 * asks for endpoint identification), optionally narrowed to server certificates of one role.
 */
public final class CaTrust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Predicate<X509Certificate> serverRole;
    private final String roleName;

    private CaTrust(X509ExtendedTrustManager pkix, Predicate<X509Certificate> serverRole, String roleName) {
        this.pkix = pkix;
        this.serverRole = serverRole;
        this.roleName = roleName;
    }

    /** Accepts every peer certificate {@code ca} issued. */
    public static CaTrust of(X509Certificate ca) {
        return new CaTrust(pkix(ca), c -> true, "");
    }

    /**
     * Accepts client certificates {@code ca} issued, and server certificates it issued that pass
     * {@code serverRole}, described as {@code roleName} in the refusal.
     */
    public static CaTrust of(X509Certificate ca, Predicate<X509Certificate> serverRole, String roleName) {
        return new CaTrust(pkix(ca), Objects.requireNonNull(serverRole), Objects.requireNonNull(roleName));
    }

    private static X509ExtendedTrustManager pkix(X509Certificate ca) {
        Objects.requireNonNull(ca, "ca");
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a trust manager for " + ca.getSubjectX500Principal(), e);
        }
    }

    private void checkRole(X509Certificate[] chain) throws CertificateException {
        if (!serverRole.test(chain[0])) {
            throw new CertificateException("the peer's certificate " + chain[0].getSubjectX500Principal()
                    + " is not " + roleName);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        checkRole(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        checkRole(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
        checkRole(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
