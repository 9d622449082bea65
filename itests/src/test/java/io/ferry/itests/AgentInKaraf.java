package io.ferry.itests;

import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.EnrollmentToken;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The real manager endpoint and agent client of io.ferry.agent, as DS components inside Karaf:
 * this probe provides what the distribution will wire later (an agent registry, and the CA's
 * TLS material under io.ferry.agent's internal ManagerTls interface, through a proxy made with
 * that bundle's own class), writes an enrolled agent's directory and the agent's configuration,
 * and the agent component then connects to the endpoint component over mutual TLS and
 * heartbeats. Loaded only after feature ferry-agent is installed (see {@link GrpcInKaraf}).
 */
final class AgentInKaraf {
    static final String SERVER = "px-karaf";

    private final BundleContext context;
    private final Bundle agentBundle;
    final Registry registry = new Registry();
    private final KeyPair caKeys = ecKeys();
    private final X509Certificate ca;
    private final KeyPair managerKeys = ecKeys();
    private final X509Certificate managerCertificate;

    AgentInKaraf(BundleContext context, Bundle agentBundle) throws Exception {
        this.context = context;
        this.agentBundle = agentBundle;
        X500Principal caName = new X500Principal("CN=Karaf itest CA");
        X509v3CertificateBuilder b = builder(caName, caName, caKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = sign(b);
        X509v3CertificateBuilder s = builder(caName, new X500Principal("CN=ferry-manager"), managerKeys.getPublic());
        s.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        managerCertificate = sign(s);
    }

    /** Registers the registry and the CA's TLS material: the endpoint component can activate. */
    List<ServiceRegistration<?>> provideManagerServices() throws Exception {
        Class<?> managerTls = agentBundle.loadClass("io.ferry.agent.internal.ManagerTls");
        Object tls = Proxy.newProxyInstance(managerTls.getClassLoader(), new Class<?>[] {managerTls},
                (proxy, method, args) -> switch (method.getName()) {
                    case "caCertificate" -> ca;
                    case "serverKeyManagers" -> keyManagers();
                    case "trustManagers" -> trustManagers();
                    case "toString" -> "itest ManagerTls";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return List.of(context.registerService(AgentRegistry.class, registry, null),
                context.registerService(managerTls.getName(), tls, null));
    }

    /** An enrolled agent's directory (as ferry agent enroll writes it) and its configuration in etc/. */
    void enrollAgent(Path dir, int managerPort) throws Exception {
        KeyPair keys = ecKeys();
        X509v3CertificateBuilder b = builder(ca.getSubjectX500Principal(), new X500Principal("CN=" + SERVER),
                keys.getPublic());
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate certificate = sign(b);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("agent.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("agent.crt"), pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", ca.getEncoded()));
        Files.writeString(dir.resolve("agent.properties"), "manager=127.0.0.1:" + managerPort + "\nserver=" + SERVER
                + "\n");
        registry.enrolled(SERVER, fingerprint(certificate), certificate.getNotAfter().toInstant());
        Path cfg = Path.of(System.getProperty("karaf.etc"), "io.ferry.agent.client.cfg");
        Path tmp = Files.writeString(cfg.resolveSibling("io.ferry.agent.client.cfg.tmp"), "dir = " + dir + "\n");
        Files.move(tmp, cfg);
    }

    static int configuredManagerPort() throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(System.getProperty("karaf.etc"),
                "io.ferry.agent.manager.cfg"), StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return Integer.parseInt(p.getProperty("port").trim());
    }

    private KeyManagerFactory keyManagers() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("manager", managerKeys.getPrivate(), new char[0],
                new X509Certificate[] {managerCertificate, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        return kmf;
    }

    private TrustManagerFactory trustManagers() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        return tmf;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static String fingerprint(X509Certificate c) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(c.getEncoded()));
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Principal issuer, X500Principal subject, PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), subject, key);
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    /** The catalog's part, in memory: the agent is enrolled; heartbeats are recorded. */
    static final class Registry implements AgentRegistry {
        final Map<String, String> fingerprints = new ConcurrentHashMap<>();
        final List<String> heartbeats = new CopyOnWriteArrayList<>();

        @Override
        public EnrollmentToken createToken(String server, Duration validity, String caFingerprint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String redeem(String text) {
            throw new io.ferry.api.agent.EnrollmentRefusedException("no tokens in this test");
        }

        @Override
        public void enrolled(String server, String certificateFingerprint, Instant certificateExpires) {
            fingerprints.put(server, certificateFingerprint);
        }

        @Override
        public Optional<AgentInfo> accepted(String server, String certificateFingerprint) {
            if (!certificateFingerprint.equals(fingerprints.get(server))) {
                return Optional.empty();
            }
            return Optional.of(new AgentInfo(server, certificateFingerprint, Instant.now().plusSeconds(3600),
                    Instant.now(), Optional.empty(), Optional.empty(), 0, Optional.empty()));
        }

        @Override
        public void heartbeat(String server, String address, AgentCapabilities capabilities, int runningTasks,
                Instant at) {
            heartbeats.add(server + " from " + address + " protocol " + capabilities.protocol() + " slots "
                    + capabilities.taskSlots());
        }

        @Override
        public List<AgentInfo> agents() {
            return List.of();
        }

        @Override
        public boolean remove(String server) {
            return fingerprints.remove(server) != null;
        }
    }
}
