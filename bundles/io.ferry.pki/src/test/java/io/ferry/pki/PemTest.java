package io.ferry.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as OpenSSL writes them, fingerprints as OpenSSL prints them, the agent's request. */
class PemTest {
    /** Made with {@code openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256}. */
    private static final String OPENSSL_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBuzCCAWGgAwIBAgIUXh2NgCmOJNxXd0dMmEGvY577gRUwCgYIKoZIzj0EAwIw
            MjETMBEGA1UECgwKRmVycnkgdGVzdDEbMBkGA1UEAwwSZmluZ2VycHJpbnQgdmVj
            dG9yMCAXDTI2MTIwNjIwNDc1MVoYDzIxMjYxMTEyMjA0NzUxWjAyMRMwEQYDVQQK
            DApGZXJyeSB0ZXN0MRswGQYDVQQDDBJmaW5nZXJwcmludCB2ZWN0b3IwWTATBgcq
            hkjOPQIBBggqhkjOPQMBBwNCAARo4Jn72afnfRUHdoUq7mBpn5tmbNaF66sN74YY
            PYJdkwrWpzN8oRKpfEowqmbjRaNh67BY9nD6ahjV229E7yEoo1MwUTAdBgNVHQ4E
            FgQUMYRERgFgr5AJZ4BqIbC+4G+15dcwHwYDVR0jBBgwFoAUMYRERgFgr5AJZ4Bq
            IbC+4G+15dcwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiACysHx
            f8eou0gOldKJ6mu3Y/82DSIk57w9/5XM1ZreVQIhAJyK+4GPLm277G963/EwST2Y
            J+HkFUkmLu3pPnTVWx8E
            -----END CERTIFICATE-----
            """;
    /** {@code openssl x509 -noout -fingerprint -sha256} of it. */
    private static final String OPENSSL_FINGERPRINT =
            "49:B4:8E:58:D5:4E:34:A9:4E:4F:3B:39:5A:D3:32:42:DA:3F:27:2E:5D:35:6C:D9:EA:8F:5A:7F:EA:5B:69:8F";
    /** Its key as {@code openssl ec} writes it (a throw-away test key). */
    private static final String OPENSSL_EC_KEY = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIJQGaPzu+JWI8mbt82ADRNcESbM3aWk7pwcusADvRKpuoAoGCCqGSM49
            AwEHoUQDQgAEaOCZ+9mn530VB3aFKu5gaZ+bZmzWheurDe+GGD2CXZMK1qczfKES
            qXxKMKpm40WjYeuwWPZw+moY1dtvRO8hKA==
            -----END EC PRIVATE KEY-----
            """;

    @TempDir
    Path tmp;

    @Test
    void fingerprintIsWhatOpensslPrintsInLowerCaseWithoutColons() {
        X509Certificate certificate = Pem.parseCertificates(OPENSSL_CERTIFICATE, "vector").get(0);
        assertEquals(OPENSSL_FINGERPRINT.replace(":", "").toLowerCase(), Fingerprints.sha256(certificate));
    }

    @Test
    void opensslKeyIsReadAndBelongsToItsCertificate() throws Exception {
        PrivateKey key = Pem.parsePrivateKey(OPENSSL_EC_KEY, "vector key");
        X509Certificate certificate = Pem.parseCertificates(OPENSSL_CERTIFICATE, "vector").get(0);
        assertTrue(signsFor(key, certificate.getPublicKey()));
    }

    @Test
    void keyFileIsOwnerOnlyAndReadsBackAsTheSameKey() throws Exception {
        KeyPair keys = AgentKeys.newKeyPair();
        Path file = tmp.resolve("agent.key");

        Pem.writePrivateKey(file, keys.getPrivate());

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
        PrivateKey read = Pem.readPrivateKey(file);
        assertEquals(keys.getPrivate(), read);
        assertTrue(signsFor(read, keys.getPublic()));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void certificateChainRoundTripsInOrder() {
        X509Certificate vector = Pem.parseCertificates(OPENSSL_CERTIFICATE, "vector").get(0);
        Path file = tmp.resolve("chain.crt");
        Pem.writeCertificates(file, List.of(vector, vector));
        assertEquals(List.of(vector, vector), Pem.readCertificates(file));
        FerryException e = assertThrows(FerryException.class, () -> Pem.readCertificate(file));
        assertTrue(e.getMessage().contains(file + " holds 2 certificates"), e.getMessage());
    }

    @Test
    void unreadableFilesAreErrorsNamingTheFile() throws Exception {
        Path notPem = tmp.resolve("ca.crt");
        Files.writeString(notPem, "hello");
        FerryException e = assertThrows(FerryException.class, () -> Pem.readCertificate(notPem));
        assertTrue(e.getMessage().startsWith(notPem.toString()), e.getMessage());

        Path certificateAsKey = tmp.resolve("agent.key");
        Files.writeString(certificateAsKey, OPENSSL_CERTIFICATE);
        e = assertThrows(FerryException.class, () -> Pem.readPrivateKey(certificateAsKey));
        assertTrue(e.getMessage().contains(certificateAsKey + " holds a X509CertificateHolder, not an unencrypted"
                + " private key"), e.getMessage());

        Path missing = tmp.resolve("missing.key");
        e = assertThrows(FerryException.class, () -> Pem.readPrivateKey(missing));
        assertTrue(e.getMessage().startsWith(missing + " cannot be read"), e.getMessage());
    }

    @Test
    void certificateRequestIsSignedByTheAgentsKeyAndAsksForTheName() throws Exception {
        KeyPair keys = AgentKeys.newKeyPair();
        var csr = new PKCS10CertificationRequest(AgentKeys.csr(keys, "px-01"));
        assertEquals(new X500Name("CN=px-01"), csr.getSubject());
        assertTrue(csr.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(keys.getPublic())));
        assertEquals("EC", keys.getPublic().getAlgorithm());
        assertEquals(256, ((java.security.interfaces.ECPublicKey) keys.getPublic()).getParams().getCurve().getField()
                .getFieldSize());
    }

    @Test
    void derCertificateFromTheEnrollmentReplyIsDecoded() throws Exception {
        X509Certificate vector = Pem.parseCertificates(OPENSSL_CERTIFICATE, "vector").get(0);
        assertEquals(vector, Certificates.fromDer(vector.getEncoded()));
        assertEquals("certificate", assertThrows(io.ferry.api.ValidationException.class,
                () -> Certificates.fromDer("nope".getBytes(StandardCharsets.US_ASCII))).field());
        assertEquals("fingerprint vector", Certificates.commonName(vector).orElseThrow());
        assertTrue(!Certificates.isManager(vector) && !Certificates.isAgent(vector));
    }

    private static boolean signsFor(PrivateKey key, PublicKey publicKey) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(new byte[] {1, 2, 3});
        return verifier.verify(signature);
    }
}
