package io.ferry.pki;

import io.ferry.pki.internal.CaTrust;
import io.ferry.pki.internal.ManagerFactories;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The agent's trust at enrollment, when it knows the manager's CA only by the fingerprint in
 * its token ({@code EnrollmentToken.Text.parse(token).caFingerprint()}). A server chain is
 * accepted only if
 * <ul>
 * <li>it contains a certificate whose SHA-256 fingerprint ({@link Fingerprints#sha256}) is the
 *     pinned one,</li>
 * <li>the server's certificate verifies against that CA with PKIX (signature, validity, key
 *     usage, extended key usage serverAuth; the host name too when the connection asks for
 *     endpoint identification, as gRPC does), and</li>
 * <li>it is the manager's certificate ({@link Certificates#isManager}): agents hold server
 *     certificates of the same CA, and one must not pass for the manager to collect tokens.</li>
 * </ul>
 * Only a server is checked: client certificates are always refused.
 */
public final class PinnedCaTrustManager extends X509ExtendedTrustManager {
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    private final String caFingerprint;
    private volatile X509Certificate pinnedCa;

    /**
     * @param caFingerprint the CA certificate's SHA-256 fingerprint, 64 lower-case hex digits
     * @throws IllegalArgumentException if it is not one
     */
    public PinnedCaTrustManager(String caFingerprint) {
        Objects.requireNonNull(caFingerprint, "caFingerprint");
        if (!FINGERPRINT.matcher(caFingerprint).matches()) {
            throw new IllegalArgumentException("a CA fingerprint is 64 lower-case hex digits (SHA-256), not '"
                    + caFingerprint + "'");
        }
        this.caFingerprint = caFingerprint;
    }

    /** This trust manager as a factory, for Netty/gRPC's {@code SslContextBuilder.trustManager}. */
    public TrustManagerFactory asFactory() {
        return ManagerFactories.trustManagerFactory(this);
    }

    /** The pinned fingerprint. */
    public String caFingerprint() {
        return caFingerprint;
    }

    /**
     * The CA certificate with the pinned fingerprint, once a server chain was accepted: the agent
     * keeps it as the only issuer it trusts from then on.
     */
    public Optional<X509Certificate> caCertificate() {
        return Optional.ofNullable(pinnedCa);
    }

    private CaTrust pinned(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        X509Certificate ca = Arrays.stream(chain).filter(c -> caFingerprint.equals(Fingerprints.sha256(c)))
                .findFirst()
                .orElseThrow(() -> new CertificateException("the server's certificate chain ("
                        + chain[0].getSubjectX500Principal() + ") has no CA certificate with the fingerprint "
                        + caFingerprint + " of the enrollment token: this is not the manager that made the token"));
        return CaTrust.of(ca, Certificates::isManager, "the Ferry manager's (O=Ferry, OU=manager)");
    }

    private CertificateException notVerified(X509Certificate[] chain, CertificateException e) {
        return new CertificateException("the server's certificate " + chain[0].getSubjectX500Principal()
                + " does not verify against the CA of the enrollment token (" + caFingerprint + "): "
                + e.getMessage(), e);
    }

    private void accepted(X509Certificate[] chain) {
        pinnedCa = Arrays.stream(chain).filter(c -> caFingerprint.equals(Fingerprints.sha256(c))).findFirst()
                .orElseThrow();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        CaTrust trust = pinned(chain);
        try {
            trust.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw notVerified(chain, e);
        }
        accepted(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        CaTrust trust = pinned(chain);
        try {
            trust.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw notVerified(chain, e);
        }
        accepted(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        CaTrust trust = pinned(chain);
        try {
            trust.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw notVerified(chain, e);
        }
        accepted(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw refusedClient();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw refusedClient();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw refusedClient();
    }

    private static CertificateException refusedClient() {
        return new CertificateException("PinnedCaTrustManager checks the manager at enrollment, never a client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
