package io.ferry.pki.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.pki.AgentKeys;
import io.ferry.pki.Certificates;
import io.ferry.pki.Fingerprints;
import io.ferry.pki.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileManagerCaTest {
    private static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path tmp;

    private FileManagerCa start(Path dir, String altNames) {
        return new FileManagerCa(dir, altNames, "mgr01.example.test", Clock.systemUTC(), false);
    }

    @Test
    void firstStartCreatesOwnerOnlyFilesAndTheSecondStartReusesTheCa() throws Exception {
        Path dir = tmp.resolve("data/ferry/ca");
        FileManagerCa first = start(dir, "");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("manager.key"))));
        assertTrue(Files.isRegularFile(dir.resolve("ca.crt")));
        assertTrue(Files.isRegularFile(dir.resolve("manager.crt")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("ca.key", "ca.crt", "manager.key", "manager.crt"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()), "no temporary file is left");
        }
        assertTrue(first.caFingerprint().matches("[0-9a-f]{64}"));
        assertEquals(Fingerprints.sha256(Pem.readCertificate(dir.resolve("ca.crt"))), first.caFingerprint());
        X509Certificate ca = first.caCertificate();
        assertEquals(0, ca.getBasicConstraints(), "CA:true, path length 0");
        assertTrue(ca.getKeyUsage()[5], "keyCertSign");
        assertTrue(ca.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(3650))));
        assertEquals("SHA256withECDSA", ca.getSigAlgName());
        byte[] managerCert = Files.readAllBytes(dir.resolve("manager.crt"));

        FileManagerCa second = start(dir, "");
        assertEquals(first.caFingerprint(), second.caFingerprint());
        assertArrayEquals(managerCert, Files.readAllBytes(dir.resolve("manager.crt")),
                "a valid manager certificate with the same names is kept");
    }

    @Test
    void issuedCertificateNamesTheServerWhateverTheRequestAskedAndChainsToTheCa() throws Exception {
        FileManagerCa ca = start(tmp.resolve("ca"), "");
        KeyPair agent = AgentKeys.newKeyPair();
        byte[] csr = AgentKeys.csr(agent, "CN=evil, OU=manager, O=Ferry");

        X509Certificate cert = ca.issueAgentCertificate(csr, "px-01", Duration.ofDays(365));

        assertEquals("px-01", Certificates.commonName(cert).orElseThrow());
        assertTrue(Certificates.isAgent(cert));
        assertFalse(Certificates.isManager(cert), "the request cannot make itself the manager");
        assertEquals(agent.getPublic(), cert.getPublicKey());
        assertTrue(cert.getExtendedKeyUsage().containsAll(List.of(EKU_CLIENT_AUTH, EKU_SERVER_AUTH)));
        assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertTrue(cert.getSerialNumber().bitLength() > 64 && cert.getSerialNumber().bitLength() <= 128);
        Instant notBefore = cert.getNotBefore().toInstant();
        assertTrue(notBefore.isBefore(Instant.now().minus(Duration.ofMinutes(4))), "back-dated for clock skew");
        assertTrue(notBefore.isAfter(Instant.now().minus(Duration.ofMinutes(6))));
        assertTrue(cert.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(364))));

        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(ca.caCertificate(), null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), pkix);

        BigInteger other = ca.issueAgentCertificate(csr, "px-01", Duration.ofDays(1)).getSerialNumber();
        assertNotEquals(cert.getSerialNumber(), other, "serials are random");
    }

    @Test
    void serverNameWithDistinguishedNameSyntaxIsTakenAsItIs() {
        FileManagerCa ca = start(tmp.resolve("ca"), "");
        String name = "px-01, OU=manager+CN=x";
        X509Certificate cert = ca.issueAgentCertificate(AgentKeys.csr(AgentKeys.newKeyPair(), "x"), name,
                Duration.ofDays(1));
        assertEquals(name, Certificates.commonName(cert).orElseThrow());
        assertTrue(Certificates.isAgent(cert));
        assertFalse(Certificates.isManager(cert));
    }

    @Test
    void agentCertificateNeverOutlivesTheCa() {
        FileManagerCa ca = start(tmp.resolve("ca"), "");
        X509Certificate cert = ca.issueAgentCertificate(AgentKeys.csr(AgentKeys.newKeyPair(), "x"), "px-01",
                Duration.ofDays(365 * 50));
        assertEquals(ca.caCertificate().getNotAfter(), cert.getNotAfter());
    }

    @Test
    void requestSignedByAnotherKeyThanTheOneItNamesIsRefused() throws Exception {
        FileManagerCa ca = start(tmp.resolve("ca"), "");
        KeyPair named = AgentKeys.newKeyPair();
        KeyPair signer = AgentKeys.newKeyPair();
        byte[] forged = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=px-01"), named.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())).getEncoded();

        ValidationException e = assertThrows(ValidationException.class,
                () -> ca.issueAgentCertificate(forged, "px-01", Duration.ofDays(1)));
        assertEquals("csr", e.field());
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void requestWithAnAlteredSignatureOrGarbageIsRefused() {
        FileManagerCa ca = start(tmp.resolve("ca"), "");
        byte[] csr = AgentKeys.csr(AgentKeys.newKeyPair(), "px-01");
        csr[csr.length - 1] ^= 0x01;

        assertEquals("csr", assertThrows(ValidationException.class,
                () -> ca.issueAgentCertificate(csr, "px-01", Duration.ofDays(1))).field());
        assertEquals("csr", assertThrows(ValidationException.class,
                () -> ca.issueAgentCertificate(new byte[] {1, 2, 3}, "px-01", Duration.ofDays(1))).field());
        assertEquals("server", assertThrows(ValidationException.class,
                () -> ca.issueAgentCertificate(AgentKeys.csr(AgentKeys.newKeyPair(), "x"), " ", Duration.ofDays(1)))
                .field());
        assertEquals("validity", assertThrows(ValidationException.class,
                () -> ca.issueAgentCertificate(AgentKeys.csr(AgentKeys.newKeyPair(), "x"), "px-01", Duration.ZERO))
                .field());
    }

    @Test
    void damagedCaKeyIsAClearErrorNamingTheFileAndIsNotReplaced() throws Exception {
        Path dir = tmp.resolve("ca");
        start(dir, "");
        Path key = dir.resolve("ca.key");
        byte[] damaged = "-----BEGIN PRIVATE KEY-----\nAAAAdamaged\n-----END PRIVATE KEY-----\n".getBytes();
        Files.write(key, damaged);

        FerryException e = assertThrows(FerryException.class, () -> start(dir, ""));
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("restore it from your backup"), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(key), "the damaged key is left for the administrator");
    }

    @Test
    void missingCaKeyNextToItsCertificateIsAnErrorNotANewCa() throws Exception {
        Path dir = tmp.resolve("ca");
        String fingerprint = start(dir, "").caFingerprint();
        Files.delete(dir.resolve("ca.key"));

        FerryException e = assertThrows(FerryException.class, () -> start(dir, ""));
        assertTrue(e.getMessage().contains(dir.resolve("ca.key") + " is missing"), e.getMessage());
        assertEquals(fingerprint, Fingerprints.sha256(Pem.readCertificate(dir.resolve("ca.crt"))));
        assertFalse(Files.exists(dir.resolve("ca.key")));
    }

    @Test
    void caKeyOfAnotherCaIsAnError() throws Exception {
        Path dir = tmp.resolve("ca");
        start(dir, "");
        start(tmp.resolve("other"), "");
        Files.copy(tmp.resolve("other/ca.key"), dir.resolve("ca.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        FerryException e = assertThrows(FerryException.class, () -> start(dir, ""));
        assertTrue(e.getMessage().contains("does not belong to the CA certificate"), e.getMessage());
    }

    @Test
    void managerCertificateIsReissuedWhenTheSubjectAltNamesChange() throws Exception {
        Path dir = tmp.resolve("ca");
        FileManagerCa before = start(dir, "");
        X509Certificate first = before.managerCertificate();
        assertEquals(Set.of("localhost", "mgr01.example.test", "127.0.0.1", "0:0:0:0:0:0:0:1"), names(first));

        FileManagerCa after = start(dir, "backup.example.com, 192.0.2.10");
        X509Certificate second = after.managerCertificate();

        assertEquals(before.caFingerprint(), after.caFingerprint(), "the CA stays");
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertEquals(Set.of("localhost", "mgr01.example.test", "backup.example.com", "127.0.0.1", "192.0.2.10",
                "0:0:0:0:0:0:0:1"), names(second));
        assertEquals(second, Pem.readCertificate(dir.resolve("manager.crt")));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("manager.key"))));
        assertTrue(Certificates.isManager(second));
        assertEquals("mgr01.example.test", Certificates.commonName(second).orElseThrow());
        assertEquals(Set.of(EKU_SERVER_AUTH, EKU_CLIENT_AUTH), Set.copyOf(second.getExtendedKeyUsage()),
                "serves agents and calls repository agents");

        // the same list written differently names the same addresses: kept
        FileManagerCa again = start(dir, " 192.0.2.10 ,BACKUP.example.com,");
        assertEquals(second.getSerialNumber(), again.managerCertificate().getSerialNumber());
    }

    @Test
    void managerCertificateWithoutClientAuthFromAnOlderFerryIsReissued() throws Exception {
        Path dir = tmp.resolve("ca");
        FileManagerCa first = start(dir, "");
        // what Ferry 1.0 issued: serverAuth only (the manager did not call agents then)
        KeyPair keys = AgentKeys.newKeyPair();
        X509Certificate old = CertificateIssuer.endEntity(Pem.readPrivateKey(dir.resolve("ca.key")),
                first.caCertificate(), CertificateIssuer.subject(Certificates.MANAGER_UNIT, "mgr01.example.test"),
                keys.getPublic(), Instant.now(), Duration.ofDays(365),
                new org.bouncycastle.asn1.x509.KeyPurposeId[] {org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth},
                SubjectAltNames.of("", "mgr01.example.test").toGeneralNames());
        Pem.writePrivateKey(dir.resolve("manager.key"), keys.getPrivate());
        Pem.writeCertificates(dir.resolve("manager.crt"), List.of(old));

        X509Certificate reissued = start(dir, "").managerCertificate();

        assertNotEquals(old.getSerialNumber(), reissued.getSerialNumber());
        assertTrue(reissued.getExtendedKeyUsage().contains(EKU_CLIENT_AUTH));
        assertEquals(reissued, Pem.readCertificate(dir.resolve("manager.crt")));
    }

    @Test
    void managerCertificateExpiringWithinThirtyDaysIsReissued() {
        Path dir = tmp.resolve("ca");
        Instant now = Instant.now();
        X509Certificate first = new FileManagerCa(dir, "", "mgr01", Clock.fixed(now, ZoneOffset.UTC), false)
                .managerCertificate();

        X509Certificate after300Days = new FileManagerCa(dir, "", "mgr01",
                Clock.fixed(now.plus(Duration.ofDays(300)), ZoneOffset.UTC), false).managerCertificate();
        assertEquals(first.getSerialNumber(), after300Days.getSerialNumber(), "65 days left: kept");

        FileManagerCa later = new FileManagerCa(dir, "", "mgr01",
                Clock.fixed(now.plus(Duration.ofDays(340)), ZoneOffset.UTC), false);
        X509Certificate after340Days = later.managerCertificate();
        assertNotEquals(first.getSerialNumber(), after340Days.getSerialNumber(), "25 days left: re-issued");
        assertTrue(after340Days.getNotAfter().after(Date.from(now.plus(Duration.ofDays(700)))));
    }

    @Test
    void runningManagerRenewsItsCertificateForTheNextHandshake() {
        Path dir = tmp.resolve("ca");
        Instant now = Instant.now();
        var clock = new MutableClock(now);
        FileManagerCa ca = new FileManagerCa(dir, "", "mgr01", clock, false);
        var keyManager = (javax.net.ssl.X509KeyManager) ca.serverKeyManagers().getKeyManagers()[0];
        BigInteger before = keyManager.getCertificateChain("ferry")[0].getSerialNumber();

        ca.renewIfDue();
        assertEquals(before, keyManager.getCertificateChain("ferry")[0].getSerialNumber());

        clock.now = now.plus(Duration.ofDays(340));
        ca.renewIfDue();
        X509Certificate[] chain = keyManager.getCertificateChain("ferry");
        assertNotEquals(before, chain[0].getSerialNumber());
        assertEquals(ca.caCertificate(), chain[1]);
        assertEquals(chain[0], Pem.readCertificate(dir.resolve("manager.crt")));
    }

    @Test
    void damagedManagerKeyIsReplacedByANewOne() throws Exception {
        Path dir = tmp.resolve("ca");
        BigInteger before = start(dir, "").managerCertificate().getSerialNumber();
        Files.writeString(dir.resolve("manager.key"), "garbage");

        FileManagerCa ca = start(dir, "");
        assertNotEquals(before, ca.managerCertificate().getSerialNumber());
        assertEquals(ca.managerCertificate().getPublicKey().getAlgorithm(),
                Pem.readPrivateKey(dir.resolve("manager.key")).getAlgorithm());
    }

    @Test
    void badSubjectAltNameIsAClearError() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> start(tmp.resolve("ca"), "backup.example.com, not a name"));
        assertEquals("subjectAltNames", e.field());
        assertTrue(e.getMessage().contains("'not a name'"), e.getMessage());
        assertThrows(ValidationException.class, () -> start(tmp.resolve("ca"), "*.example.com"));
        assertThrows(ValidationException.class, () -> start(tmp.resolve("ca"), "[::1]"));
    }

    @Test
    void caDirectoryOpenToOthersIsNarrowed() throws Exception {
        Path dir = tmp.resolve("ca");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        start(dir, "");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    private static Set<String> names(X509Certificate certificate) throws Exception {
        return Set.copyOf(certificate.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)).toList());
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
