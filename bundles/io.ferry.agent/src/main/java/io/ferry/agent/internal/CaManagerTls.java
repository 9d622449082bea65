package io.ferry.agent.internal;

import io.ferry.api.ValidationException;
import io.ferry.pki.ManagerCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The manager's agent endpoint's TLS material from the manager's certificate authority
 * (io.ferry.pki): registered only where the CA service is, i.e. on the manager.
 */
@Component(service = ManagerTls.class)
public final class CaManagerTls implements ManagerTls {

    private final ManagerCa ca;

    @Activate
    public CaManagerTls(@Reference ManagerCa ca) {
        this.ca = ca;
    }

    @Override
    public X509Certificate caCertificate() {
        return ca.caCertificate();
    }

    @Override
    public X509Certificate issueAgentCertificate(byte[] csrDer, String server, Duration validity) {
        try {
            return ca.issueAgentCertificate(csrDer, server, validity);
        } catch (ValidationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public KeyManagerFactory serverKeyManagers() {
        return ca.serverKeyManagers();
    }

    @Override
    public TrustManagerFactory trustManagers() {
        return ca.trustManagers();
    }
}
