package io.ferry.pki.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.pki.AgentKeys;
import io.ferry.pki.Certificates;
import io.ferry.pki.PinnedCaTrustManager;
import io.ferry.pki.TlsMaterial;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager's endpoint material and an agent's, in real TLS 1.3 handshakes on 127.0.0.1. */
class MutualTlsTest {
    @TempDir
    Path tmp;

    private FileManagerCa manager;
    private SSLContext managerEndpoint;

    @BeforeEach
    void startManager() throws Exception {
        manager = new FileManagerCa(tmp.resolve("manager"), "", "mgr01", Clock.systemUTC(), false);
        managerEndpoint = TlsHandshake.context(manager.serverKeyManagers(), manager.trustManagers());
    }

    /** An agent of {@code ca}: key, certificate issued for {@code server}, client context trusting only the manager. */
    private static SSLContext agent(FileManagerCa ca, String server) throws Exception {
        KeyPair keys = AgentKeys.newKeyPair();
        X509Certificate cert = ca.issueAgentCertificate(AgentKeys.csr(keys, "whatever"), server, Duration.ofDays(30));
        return TlsHandshake.context(TlsMaterial.keyManagers(keys.getPrivate(), cert, ca.caCertificate()),
                TlsMaterial.managerTrustManagers(ca.caCertificate()));
    }

    @Test
    void agentWithAnIssuedCertificateConnectsAndTheManagerSeesWhichServerItIs() throws Exception {
        var outcome = TlsHandshake.run(managerEndpoint, true, agent(manager, "px-01"), true);

        assertTrue(outcome.succeeded(), () -> "client: " + outcome.clientError() + ", server: " + outcome.serverError());
        assertEquals("px-01", Certificates.commonName(outcome.clientCertificate()).orElseThrow());
        assertTrue(Certificates.isAgent(outcome.clientCertificate()));
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused() throws Exception {
        var other = new FileManagerCa(tmp.resolve("other"), "", "mgr02", Clock.systemUTC(), false);
        KeyPair keys = AgentKeys.newKeyPair();
        X509Certificate foreign = other.issueAgentCertificate(AgentKeys.csr(keys, "px-01"), "px-01",
                Duration.ofDays(30));
        // the intruder trusts our manager, so only the manager's check can stop it
        SSLContext intruder = TlsHandshake.context(TlsMaterial.keyManagers(keys.getPrivate(), foreign,
                other.caCertificate()), TlsMaterial.managerTrustManagers(manager.caCertificate()));

        var outcome = TlsHandshake.run(managerEndpoint, true, intruder, false);

        assertFalse(outcome.succeeded());
        assertNotNull(outcome.serverError(), "the manager refuses the certificate");
        assertNull(outcome.clientCertificate());
    }

    @Test
    void clientWithoutCertificateIsRefusedWhenClientAuthenticationIsRequired() throws Exception {
        SSLContext anonymous = TlsHandshake.context(null, TlsMaterial.managerTrustManagers(manager.caCertificate()));

        var outcome = TlsHandshake.run(managerEndpoint, true, anonymous, false);

        assertFalse(outcome.succeeded());
        assertNotNull(outcome.serverError());
    }

    @Test
    void managerCertificateIsRefusedByAnAgentOfAnotherCa() throws Exception {
        var other = new FileManagerCa(tmp.resolve("other"), "", "mgr02", Clock.systemUTC(), false);

        var outcome = TlsHandshake.run(managerEndpoint, true, agent(other, "px-01"), false);

        assertFalse(outcome.succeeded());
        assertNotNull(outcome.clientError(), "the agent refuses a manager its CA did not certify");
    }

    @Test
    void anotherAgentsCertificateCannotPassForTheManager() throws Exception {
        // a repository agent holds a serverAuth certificate of the same CA
        KeyPair keys = AgentKeys.newKeyPair();
        X509Certificate repository = manager.issueAgentCertificate(AgentKeys.csr(keys, "repo-01"), "repo-01",
                Duration.ofDays(30));
        SSLContext impostor = TlsHandshake.context(TlsMaterial.keyManagers(keys.getPrivate(), repository,
                manager.caCertificate()), manager.trustManagers());

        var toManager = TlsHandshake.run(impostor, true, agent(manager, "px-01"), false);
        assertFalse(toManager.succeeded());
        assertTrue(messages(toManager.clientError()).contains("not the Ferry manager's"),
                messages(toManager.clientError()));

        // a proxy agent that connects to the repository agent on purpose accepts it
        KeyPair proxyKeys = AgentKeys.newKeyPair();
        X509Certificate proxy = manager.issueAgentCertificate(AgentKeys.csr(proxyKeys, "px-01"), "px-01",
                Duration.ofDays(30));
        SSLContext proxyClient = TlsHandshake.context(TlsMaterial.keyManagers(proxyKeys.getPrivate(), proxy,
                manager.caCertificate()), TlsMaterial.trustManagers(manager.caCertificate()));
        var toRepository = TlsHandshake.run(impostor, true, proxyClient, false);
        assertTrue(toRepository.succeeded(), () -> "client: " + toRepository.clientError());
        assertEquals("px-01", Certificates.commonName(toRepository.clientCertificate()).orElseThrow());
    }

    @Test
    void sslEnginesAsNettyAndGrpcUseThemShakeHandsAndRefuseAnotherCa() throws Exception {
        EngineHandshake.run(managerEndpoint, true, agent(manager, "px-01"), "HTTPS");

        var other = new FileManagerCa(tmp.resolve("other"), "", "mgr02", Clock.systemUTC(), false);
        assertThrows(SSLException.class,
                () -> EngineHandshake.run(managerEndpoint, true, agent(other, "px-01"), null));

        var pinned = new PinnedCaTrustManager(manager.caFingerprint());
        EngineHandshake.run(managerEndpoint, false, TlsHandshake.context(null, pinned.asFactory()), "HTTPS");
        assertEquals(manager.caCertificate(), pinned.caCertificate().orElseThrow());
        var wrongPin = new PinnedCaTrustManager(other.caFingerprint());
        assertThrows(SSLException.class,
                () -> EngineHandshake.run(managerEndpoint, false, TlsHandshake.context(null, wrongPin.asFactory()),
                        "HTTPS"));
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }

    @Test
    void managerCertificateDoesNotNameAnAddressItWasNotGiven() throws Exception {
        // the client dials 127.0.0.1: named by default. A manager certificate without it would fail
        // endpoint identification, which the first test passes with it.
        var names = SubjectAltNames.of(manager.managerCertificate());
        assertTrue(names.ipAddresses().contains("127.0.0.1"));
        assertFalse(names.ipAddresses().contains("192.0.2.10"));
    }
}
