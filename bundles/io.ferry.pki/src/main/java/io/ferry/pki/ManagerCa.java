package io.ferry.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The manager's certificate authority (a service on the manager only). It is created at first
 * use under {@code ${karaf.data}/ferry/ca/} (configuration PID {@code io.ferry.pki}) and kept
 * from then on: every agent trusts it, so losing its key means enrolling every agent again.
 *
 * <p>All certificates are EC P-256 keys signed with SHA256withECDSA.
 */
@ProviderType
public interface ManagerCa {

    /** The CA certificate (self-signed, CA:true, path length 0, valid ten years). */
    X509Certificate caCertificate();

    /**
     * SHA-256 of the CA certificate's DER encoding, 64 lower-case hex digits: the fingerprint an
     * enrollment token carries ({@link Fingerprints#sha256(X509Certificate)}).
     */
    String caFingerprint();

    /**
     * Issues the certificate of the agent that acts for {@code server}.
     *
     * <p>The request's signature is verified (it proves the agent holds the key); the subject it
     * asks for is ignored: the certificate is {@code O=Ferry, OU=agent, CN=<server>}, key usage
     * digitalSignature, extended key usage clientAuth and serverAuth (a repository agent also
     * serves), a random 128-bit serial, valid from five minutes ago (clock skew) for
     * {@code validity}, but never past the CA's own expiry.
     *
     * @param csrDer   a PKCS#10 certificate request, DER ({@link AgentKeys#csr})
     * @param server   the managed server the agent acts for (the enrollment token names it)
     * @param validity how long the certificate is valid, positive
     * @throws io.ferry.api.ValidationException field {@code csr}: the request is malformed, its
     *                                          signature does not verify, or its key is not EC
     *                                          P-256/P-384 or RSA of at least 2048 bits; field
     *                                          {@code server} or {@code validity}: blank or not positive
     */
    X509Certificate issueAgentCertificate(byte[] csrDer, String server, Duration validity);

    /**
     * Key managers for the manager's TLS endpoint: the manager's key with the chain [manager
     * certificate, CA certificate]. The manager certificate names localhost, 127.0.0.1, ::1, this
     * machine's host name and the configured {@code subjectAltNames}; it is renewed when it is
     * thirty days from expiry, and the returned key managers serve the renewed one from the next
     * handshake on. The certificate has both serverAuth and clientAuth usage: the same key
     * managers authenticate the manager when it calls a repository agent's store.
     */
    KeyManagerFactory serverKeyManagers();

    /**
     * Trust managers that accept only certificates this CA issued (checked with PKIX: signature,
     * validity, key usage and extended key usage for the side of the connection). For the
     * manager endpoint's client authentication; the agent's identity is the certificate's common
     * name ({@link Certificates#commonName}).
     */
    TrustManagerFactory trustManagers();
}
