package io.ferry.agent.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A manager CA for tests, made with BouncyCastle: a CA certificate, the manager's server
 * certificate (serverAuth, for 127.0.0.1/localhost) and agent certificates (clientAuth) issued
 * from certificate requests, as the real CA (io.ferry.pki) does.
 */
final class TestCa implements ManagerTls {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final char[] NO_PASSWORD = new char[0];

    private final KeyPair caKeys = io.ferry.pki.AgentKeys.newKeyPair();
    private final X509Certificate ca;
    private final KeyPair serverKeys = io.ferry.pki.AgentKeys.newKeyPair();
    private final X509Certificate serverCertificate;

    TestCa(String name) {
        try {
            X500Principal subject = new X500Principal("CN=" + name);
            X509v3CertificateBuilder b = builder(subject, subject, caKeys.getPublic(), Duration.ofDays(30));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca = sign(b);
            X509v3CertificateBuilder s = builder(subject, new X500Principal("CN=ferry-manager, OU=manager, O=Ferry"),
                    serverKeys.getPublic(), Duration.ofDays(30));
            // like io.ferry.pki's: it serves agents and calls repository agents
            s.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            s.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            serverCertificate = sign(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private X509v3CertificateBuilder builder(X500Principal issuer, X500Principal subject, PublicKey key,
            Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, key);
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    @Override
    public X509Certificate caCertificate() {
        return ca;
    }

    String fingerprint() {
        return io.ferry.pki.Fingerprints.sha256(ca);
    }

    @Override
    public X509Certificate issueAgentCertificate(byte[] csrDer, String server, Duration validity) {
        try {
            PublicKey key = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(csrDer)).getPublicKey();
            return agentCertificate(key, server, validity);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("bad certificate request: " + e.getMessage(), e);
        }
    }

    X509Certificate agentCertificate(PublicKey key, String server, Duration validity) {
        try {
            X509v3CertificateBuilder b = builder(ca.getSubjectX500Principal(), new X500Principal("CN=" + server + ", OU=agent, O=Ferry"), key,
                    validity);
            // like io.ferry.pki's CA: clientAuth and serverAuth (a repository agent also serves)
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return sign(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An enrolled agent's directory, written as the enrollment tool writes it. */
    AgentIdentity agent(String server, int managerPort, Path dir) throws IOException {
        KeyPair keys = io.ferry.pki.AgentKeys.newKeyPair();
        X509Certificate certificate = agentCertificate(keys.getPublic(), server, Duration.ofDays(1));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(AgentIdentity.KEY), io.ferry.pki.Pem.privateKey(keys.getPrivate()));
        Files.writeString(dir.resolve(AgentIdentity.CERTIFICATE), io.ferry.pki.Pem.certificates(java.util.List.of(certificate)));
        Files.writeString(dir.resolve(AgentIdentity.CA), io.ferry.pki.Pem.certificates(java.util.List.of(ca)));
        Files.writeString(dir.resolve(AgentIdentity.PROPERTIES), "manager=127.0.0.1:" + managerPort + "\nserver="
                + server + "\n");
        return AgentIdentity.load(dir);
    }

    @Override
    public KeyManagerFactory serverKeyManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("manager", serverKeys.getPrivate(), NO_PASSWORD,
                    new X509Certificate[] {serverCertificate, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            return kmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public TrustManagerFactory trustManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            return tmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
