package io.ferry.agent.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.agent.ProtocolVersion;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;

/** The agent's trust in the manager, the address format and the protocol check, on plain objects. */
class ManagerTrustTest {
    private final TestCa ca = new TestCa("Trust test CA");

    private X509Certificate[] managerChain() {
        X509KeyManager km = (X509KeyManager) ca.serverKeyManagers().getKeyManagers()[0];
        return km.getCertificateChain("manager");
    }

    @Test
    void theManagersChainIsTrustedByTheTokensFingerprintAndByTheEnrolledCa() {
        assertDoesNotThrow(() -> ManagerTrust.pinned(ca.fingerprint()).checkServerTrusted(managerChain(), "EC"));
        assertDoesNotThrow(() -> ManagerTrust.anchoredAt(ca.caCertificate()).checkServerTrusted(
                new X509Certificate[] {managerChain()[0]}, "EC"));
    }

    @Test
    void anAgentCertificateOfTheSameCaCannotPoseAsTheManager() {
        X509Certificate agent = ca.agentCertificate(io.ferry.pki.AgentKeys.newKeyPair().getPublic(), "px-01",
                Duration.ofDays(1));

        CertificateException e = assertThrows(CertificateException.class, () -> ManagerTrust.anchoredAt(
                ca.caCertificate()).checkServerTrusted(new X509Certificate[] {agent, ca.caCertificate()}, "EC"));

        assertTrue(e.getMessage().contains("is not the manager's (OU=manager)"), e.getMessage());
    }

    @Test
    void aChainOfAnotherCaIsRefusedNamingTheExpectedFingerprint() {
        TestCa other = new TestCa("Other CA");

        CertificateException e = assertThrows(CertificateException.class,
                () -> ManagerTrust.pinned(other.fingerprint()).checkServerTrusted(managerChain(), "EC"));
        assertTrue(e.getMessage().contains("does not contain the CA certificate with SHA-256 fingerprint "
                + other.fingerprint()), e.getMessage());

        CertificateException anchored = assertThrows(CertificateException.class,
                () -> ManagerTrust.anchoredAt(other.caCertificate()).checkServerTrusted(managerChain(), "EC"));
        assertTrue(anchored.getMessage().contains("is not valid under the manager's CA"), anchored.getMessage());
    }

    @Test
    void aCertificateRequestIsCheckedBeforeTheTokenIsRedeemed() {
        assertDoesNotThrow(() -> CertificateRequests.check(io.ferry.pki.AgentKeys.csr(io.ferry.pki.AgentKeys.newKeyPair(), "ferry-agent")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CertificateRequests.check(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
        assertTrue(e.getMessage().startsWith("the certificate request"), e.getMessage());
    }

    @Test
    void managerAddresses() {
        assertEquals(new HostPort("backup.example.org", 8143), HostPort.parse(" backup.example.org:8143 "));
        assertEquals(new HostPort("::1", 8143), HostPort.parse("[::1]:8143"));
        assertEquals("[::1]:8143", HostPort.parse("[::1]:8143").toString());
        for (String bad : List.of("backup", "backup:", ":8143", "backup:http", "backup:70000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad));
            assertTrue(e.getMessage().contains("HOST:PORT") || e.getMessage().contains("1..65535"), e.getMessage());
        }
    }

    @Test
    void protocolVersionsOneMinorApartInteroperate() {
        ProtocolVersion manager = new ProtocolVersion(1, 0);
        assertEquals(null, Protocol.incompatibility(new ProtocolVersion(1, 1), manager));
        assertEquals(null, Protocol.incompatibility(new ProtocolVersion(1, 0), manager));
        assertEquals("agent protocol 1.2 is not compatible with the manager's protocol 1.0 (agents one minor version"
                + " apart interoperate)", Protocol.incompatibility(new ProtocolVersion(1, 2), manager));
        assertEquals("agent protocol 0.9 is not compatible with the manager's protocol 1.0 (agents one minor version"
                + " apart interoperate)", Protocol.incompatibility(new ProtocolVersion(0, 9), manager));
        assertEquals(new ProtocolVersion(1, 2), Protocol.CURRENT, "1.1: repository agents (grants, store address,"
                + " create/delete/prune); 1.2: guest channels");
        assertEquals(Protocol.CURRENT, Protocol.fromProto(Protocol.toProto(Protocol.CURRENT)));
    }
}
