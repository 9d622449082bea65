package io.ferry.agent.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The agent's trust in the manager: the manager's chain must lead to the manager's CA, either
 * a CA certificate in the chain whose SHA-256 fingerprint is the one in the enrollment token
 * ({@link #pinned}), or the CA certificate the agent received at enrollment ({@link #anchoredAt}).
 * The manager's certificate must have the extended key usage serverAuth and be the manager's
 * ({@code OU=manager}, {@link io.ferry.pki.Certificates#isManager}): agent certificates of the
 * same CA are {@code OU=agent} and may have serverAuth too (a repository agent serves), so an
 * agent cannot pose as the manager.
 *
 * <p>No host name check: the agent trusts one private CA that issues one server certificate,
 * so the address an agent dials (an IP, a NAT name) need not be in that certificate.
 */
public final class ManagerTrust extends X509ExtendedTrustManager {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private final String pinnedFingerprint;
    private final X509Certificate anchor;
    /** Which certificate of the CA the peer must present, and its name in messages. */
    private final java.util.function.Predicate<X509Certificate> peer;
    private final String peerName;
    private final String peerRule;

    private ManagerTrust(String pinnedFingerprint, X509Certificate anchor,
            java.util.function.Predicate<X509Certificate> peer, String peerName, String peerRule) {
        this.pinnedFingerprint = pinnedFingerprint;
        this.anchor = anchor;
        this.peer = peer;
        this.peerName = peerName;
        this.peerRule = peerRule;
    }

    /** Trusts a manager whose chain contains the CA certificate with this SHA-256 fingerprint (hex). */
    public static ManagerTrust pinned(String caFingerprint) {
        return new ManagerTrust(Objects.requireNonNull(caFingerprint, "caFingerprint").toLowerCase(), null,
                io.ferry.pki.Certificates::isManager, "the manager", "the manager's (OU=manager)");
    }

    /** Trusts a manager whose chain is issued by this CA certificate. */
    public static ManagerTrust anchoredAt(X509Certificate ca) {
        return new ManagerTrust(null, Objects.requireNonNull(ca, "ca"), io.ferry.pki.Certificates::isManager,
                "the manager", "the manager's (OU=manager)");
    }

    /**
     * Trusts the repository agent of {@code server} (a store listener): a certificate of this CA
     * with {@code OU=agent, CN=<server>} and serverAuth usage, so that neither another agent nor a
     * proxy's certificate can pose as that repository server.
     */
    public static ManagerTrust repositoryAgent(X509Certificate ca, String server) {
        Objects.requireNonNull(server, "server");
        return new ManagerTrust(null, Objects.requireNonNull(ca, "ca"),
                c -> io.ferry.pki.Certificates.isAgent(c) && io.ferry.pki.Certificates.commonName(c)
                        .filter(n -> n.equalsIgnoreCase(server)).isPresent(),
                "the repository agent of " + server, "the agent of " + server + "'s (OU=agent, CN=" + server + ")");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException(peerName + " presented no certificate");
        }
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate ca = null;
        for (X509Certificate c : chain) {
            if (isAnchor(c)) {
                ca = c;
                break;
            }
            path.add(c);
        }
        if (ca == null && anchor != null) {
            ca = anchor;
        }
        if (ca == null) {
            throw new CertificateException(peerName + "'s certificate chain does not contain the CA certificate with"
                    + " SHA-256 fingerprint " + pinnedFingerprint + " (the one in the token): this is not the manager"
                    + " the token was made for");
        }
        if (path.isEmpty()) {
            throw new CertificateException(peerName + " presented its CA certificate, not a server certificate");
        }
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            parameters.setRevocationEnabled(false);
            java.security.cert.CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateException(peerName + "'s certificate " + path.get(0).getSubjectX500Principal()
                    + " is not valid under the manager's CA " + ca.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
        if (!peer.test(path.get(0))) {
            throw new CertificateException("the certificate " + path.get(0).getSubjectX500Principal()
                    + " is not " + peerRule + " but another certificate of its CA: refusing to take it for "
                    + peerName);
        }
        if (!serverAuth(path.get(0))) {
            throw new CertificateException("the certificate " + path.get(0).getSubjectX500Principal()
                    + " is not a server certificate (extended key usage serverAuth): refusing to take it for "
                    + peerName);
        }
    }

    private boolean isAnchor(X509Certificate c) {
        if (anchor != null) {
            return c.equals(anchor);
        }
        return io.ferry.pki.Fingerprints.sha256(c).equals(pinnedFingerprint);
    }

    private static boolean serverAuth(X509Certificate c) {
        try {
            List<String> usages = c.getExtendedKeyUsage();
            return usages != null && usages.contains(SERVER_AUTH);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("an agent trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchor == null ? new X509Certificate[0] : new X509Certificate[] {anchor};
    }
}
