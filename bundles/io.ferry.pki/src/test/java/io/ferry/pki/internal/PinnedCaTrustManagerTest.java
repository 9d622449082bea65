package io.ferry.pki.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.agent.EnrollmentToken;
import io.ferry.pki.AgentKeys;
import io.ferry.pki.Pem;
import io.ferry.pki.PinnedCaTrustManager;
import io.ferry.pki.TlsMaterial;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrollment: the agent knows the manager's CA only by the fingerprint in its token. */
class PinnedCaTrustManagerTest {
    @TempDir
    Path tmp;

    private FileManagerCa manager;
    private SSLContext managerEndpoint;

    @BeforeEach
    void startManager() throws Exception {
        manager = new FileManagerCa(tmp.resolve("manager"), "", "mgr01", Clock.systemUTC(), false);
        // enrollment: TLS without a client certificate
        managerEndpoint = TlsHandshake.context(manager.serverKeyManagers(), manager.trustManagers());
    }

    private static String token(String caFingerprint) {
        return "FE1.0123456789abcdef." + "A".repeat(43) + "." + caFingerprint;
    }

    @Test
    void managerWithTheTokensFingerprintIsAcceptedAndItsCaKept() throws Exception {
        var pinned = new PinnedCaTrustManager(
                EnrollmentToken.Text.parse(token(manager.caFingerprint())).caFingerprint());

        var outcome = TlsHandshake.run(managerEndpoint, false,
                TlsHandshake.context(null, new TrustManager[] {pinned}), true);

        assertTrue(outcome.succeeded(), () -> "client: " + outcome.clientError() + ", server: " + outcome.serverError());
        assertEquals(manager.caCertificate(), pinned.caCertificate().orElseThrow());
    }

    @Test
    void managerOfAnotherCaIsRefused() throws Exception {
        var other = new FileManagerCa(tmp.resolve("other"), "", "mgr02", Clock.systemUTC(), false);
        var pinned = new PinnedCaTrustManager(other.caFingerprint());

        var outcome = TlsHandshake.run(managerEndpoint, false,
                TlsHandshake.context(null, pinned.asFactory()), false);

        assertFalse(outcome.succeeded());
        assertNotNull(outcome.clientError());
        assertTrue(rootMessage(outcome.clientError()).contains("has no CA certificate with the fingerprint"),
                rootMessage(outcome.clientError()));
        assertTrue(pinned.caCertificate().isEmpty());
    }

    @Test
    void serverLeafNotSignedByThePinnedCaIsRefusedEvenWithThatCaInTheChain() throws Exception {
        // an impostor sends the real CA certificate (it is public) after a leaf of its own CA
        var impostorCa = new FileManagerCa(tmp.resolve("impostor"), "", "mgr01", Clock.systemUTC(), false);
        KeyPair keys = AgentKeys.newKeyPair();
        X509Certificate leaf = CertificateIssuer.endEntity(impostorCaKey(), impostorCa.caCertificate(),
                CertificateIssuer.subject("manager", "mgr01"), keys.getPublic(), Instant.now(), Duration.ofDays(1),
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}, SubjectAltNames.of("", "mgr01").toGeneralNames());
        SSLContext impostor = TlsHandshake.context(
                TlsMaterial.keyManagers(keys.getPrivate(), leaf, manager.caCertificate()), (TrustManagerFactory) null);
        var pinned = new PinnedCaTrustManager(manager.caFingerprint());

        var outcome = TlsHandshake.run(impostor, false, TlsHandshake.context(null, pinned.asFactory()), false);

        assertFalse(outcome.succeeded());
        assertNotNull(outcome.clientError());
        assertTrue(rootMessage(outcome.clientError()).contains("does not verify against the CA of the enrollment token"), rootMessage(outcome.clientError()));
        assertTrue(pinned.caCertificate().isEmpty());
    }

    @Test
    void agentCertificateOfThePinnedCaCannotPassForTheManager() throws Exception {
        KeyPair keys = AgentKeys.newKeyPair();
        X509Certificate repository = manager.issueAgentCertificate(AgentKeys.csr(keys, "repo-01"), "repo-01",
                Duration.ofDays(30));
        var pinned = new PinnedCaTrustManager(manager.caFingerprint());

        CertificateException e = assertThrows(CertificateException.class,
                () -> pinned.checkServerTrusted(new X509Certificate[] {repository, manager.caCertificate()}, "ECDHE_ECDSA"));
        assertTrue(e.getMessage().contains("not the Ferry manager's"), e.getMessage());
    }

    @Test
    void expiredManagerCertificateIsRefused() throws Exception {
        KeyPair keys = AgentKeys.newKeyPair();
        X509Certificate expired = CertificateIssuer.endEntity(caKey(), manager.caCertificate(),
                CertificateIssuer.subject("manager", "mgr01"), keys.getPublic(),
                Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1),
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}, SubjectAltNames.of("", "mgr01").toGeneralNames());
        var pinned = new PinnedCaTrustManager(manager.caFingerprint());

        CertificateException e = assertThrows(CertificateException.class,
                () -> pinned.checkServerTrusted(new X509Certificate[] {expired, manager.caCertificate()}, "ECDHE_ECDSA"));
        assertTrue(rootMessage(e).contains("expired") || rootMessage(e).contains("validity"), rootMessage(e));
        assertTrue(pinned.caCertificate().isEmpty());
    }

    @Test
    void fingerprintMustBe64LowerCaseHexDigits() {
        assertThrows(IllegalArgumentException.class, () -> new PinnedCaTrustManager("AB".repeat(32)));
        assertThrows(IllegalArgumentException.class, () -> new PinnedCaTrustManager("ab"));
        var pinned = new PinnedCaTrustManager(manager.caFingerprint());
        assertThrows(CertificateException.class, () -> pinned.checkClientTrusted(
                new X509Certificate[] {manager.caCertificate()}, "ECDHE_ECDSA"));
        assertEquals(List.of(), List.of(pinned.getAcceptedIssuers()));
    }

    private PrivateKey impostorCaKey() {
        return Pem.readPrivateKey(tmp.resolve("impostor/ca.key"));
    }

    private PrivateKey caKey() {
        return Pem.readPrivateKey(tmp.resolve("manager/ca.key"));
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
