package io.ferry.agent.internal;

import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the manager's agent endpoint needs of the manager's certificate authority: its own TLS
 * identity, the trust in agent certificates, and issuing an agent's certificate at enrollment.
 * Plain JDK material, so the endpoint does not depend on who makes the certificates (the
 * distribution adapts the CA service of io.ferry.pki to it).
 *
 * <p>Expected of an implementation: the server key manager's chain is the manager's certificate
 * (extended key usage serverAuth) followed by the CA certificate; agent certificates have the
 * subject {@code CN=<server>} and extended key usage clientAuth only, so an agent cannot pose as
 * the manager.
 */
public interface ManagerTls {

    /** The CA certificate: the only issuer agents trust, and the only one the manager accepts. */
    X509Certificate caCertificate();

    /**
     * Issues the certificate of the agent of {@code server} for the key of a PKCS#10 request
     * (DER), with subject {@code CN=<server>}, valid for {@code validity}.
     *
     * @throws IllegalArgumentException when the request is not a valid, self-signed PKCS#10 request
     */
    X509Certificate issueAgentCertificate(byte[] csrDer, String server, Duration validity);

    /** The manager's TLS identity (key and chain) for its agent endpoint. */
    KeyManagerFactory serverKeyManagers();

    /** Trust in client certificates: the CA's. */
    TrustManagerFactory trustManagers();
}
