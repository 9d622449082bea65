package io.ferry.pki.internal;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.pki.AgentKeys;
import io.ferry.pki.Certificates;
import io.ferry.pki.Fingerprints;
import io.ferry.pki.ManagerCa;
import io.ferry.pki.Pem;
import io.ferry.pki.TlsMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's CA, kept in a directory ({@code ${karaf.data}/ferry/ca}, 0700):
 * {@code ca.key} (0600) and {@code ca.crt}, made at the first activation and only ever read
 * after that; {@code manager.key} (0600) and {@code manager.crt}, the manager endpoint's
 * identity, re-issued when it is missing, damaged, not from this CA, thirty days from expiry, or
 * names other addresses than the configuration (checked at activation and every twelve hours).
 *
 * <p>Delayed: nothing is created until the manager's endpoint or a command uses the service, so
 * a machine that runs only an agent has no CA.
 */
@Component(service = ManagerCa.class, configurationPid = "io.ferry.pki")
@Designate(ocd = ManagerCaConfig.class)
public final class FileManagerCa implements ManagerCa {
    private static final Logger LOG = LoggerFactory.getLogger(FileManagerCa.class);
    static final String CA_KEY = "ca.key";
    static final String CA_CERT = "ca.crt";
    static final String MANAGER_KEY = "manager.key";
    static final String MANAGER_CERT = "manager.crt";
    static final Duration CA_VALIDITY = Duration.ofDays(3653);
    static final Duration MANAGER_VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Duration RENEWAL_CHECK = Duration.ofHours(12);
    private static final String MANAGER_FALLBACK_NAME = "ferry-manager";

    private final Path directory;
    private final SubjectAltNames altNames;
    private final String hostName;
    private final Clock clock;
    private final PrivateKey caKey;
    private final X509Certificate caCertificate;
    private final String caFingerprint;
    private final AtomicReference<SingleKeyManager.Identity> manager = new AtomicReference<>();
    private final KeyManagerFactory serverKeyManagers;
    private final TrustManagerFactory trustManagers;
    private final ScheduledExecutorService renewal;

    @Activate
    public FileManagerCa(ManagerCaConfig config) {
        this(directory(config.directory()), config.subjectAltNames(), hostName(), Clock.systemUTC(), true);
    }

    /**
     * Loads the CA from {@code directory}, or creates it there if the directory holds none, and
     * brings the manager's certificate up to date.
     *
     * @param subjectAltNames comma-separated extra names of the manager's certificate
     * @param renewInBackground whether to check the manager's certificate every twelve hours
     */
    FileManagerCa(Path directory, String subjectAltNames, String hostName, Clock clock, boolean renewInBackground) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.hostName = hostName == null ? "" : hostName.strip();
        this.altNames = SubjectAltNames.of(subjectAltNames, this.hostName);
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            AtomicFiles.ownerOnlyDirectory(directory);
        } catch (IOException e) {
            throw new FerryException("The CA directory " + directory + " cannot be created: " + e, e);
        }
        KeyPairAndCertificate ca = loadOrCreateCa();
        this.caKey = ca.key();
        this.caCertificate = ca.certificate();
        this.caFingerprint = Fingerprints.sha256(caCertificate);
        this.manager.set(loadOrIssueManager());
        this.serverKeyManagers = ManagerFactories.keyManagerFactory(
                new SingleKeyManager(manager::get));
        this.trustManagers = TlsMaterial.trustManagers(caCertificate);
        this.renewal = renewInBackground ? startRenewal() : null;
        LOG.info("Manager CA {} (SHA-256 {}) in {}; manager certificate for {} until {}",
                caCertificate.getSubjectX500Principal(), caFingerprint, directory, altNames,
                manager.get().chain().get(0).getNotAfter().toInstant());
    }

    @Deactivate
    void stop() {
        if (renewal != null) {
            renewal.shutdownNow();
        }
    }

    @Override
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    @Override
    public String caFingerprint() {
        return caFingerprint;
    }

    @Override
    public KeyManagerFactory serverKeyManagers() {
        return serverKeyManagers;
    }

    @Override
    public TrustManagerFactory trustManagers() {
        return trustManagers;
    }

    /** The manager endpoint's current certificate. */
    X509Certificate managerCertificate() {
        return manager.get().chain().get(0);
    }

    @Override
    public X509Certificate issueAgentCertificate(byte[] csrDer, String server, Duration validity) {
        if (server == null || server.isBlank()) {
            throw new ValidationException("server", "the managed server the agent acts for is missing");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new ValidationException("validity", "must be positive, not " + validity);
        }
        PublicKey key = verifiedKey(csrDer);
        X509Certificate certificate = CertificateIssuer.endEntity(caKey, caCertificate,
                CertificateIssuer.subject(Certificates.AGENT_UNIT, server), key, clock.instant(), validity,
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}, null);
        LOG.info("Issued the certificate of the agent for {} (serial {}, valid until {})", server,
                certificate.getSerialNumber().toString(16), certificate.getNotAfter().toInstant());
        return certificate;
    }

    /** The public key of a certificate request whose signature proves that its sender holds the private key. */
    static PublicKey verifiedKey(byte[] csrDer) {
        if (csrDer == null || csrDer.length == 0) {
            throw new ValidationException("csr", "the certificate request is missing");
        }
        PKCS10CertificationRequest csr;
        PublicKey key;
        try {
            csr = new PKCS10CertificationRequest(csrDer);
            key = KeyAlgorithms.publicKey(csr.getSubjectPublicKeyInfo());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ValidationException("csr", "not a PKCS#10 certificate request with a usable public key ("
                    + e.getMessage() + ")");
        }
        checkStrength(key);
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new ValidationException("csr", "the certificate request's signature does not verify with the"
                        + " key it names: the sender does not hold that key, or the request was altered");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new ValidationException("csr", "the certificate request's signature cannot be checked ("
                    + e.getMessage() + ")");
        }
        return key;
    }

    private static void checkStrength(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits == 256 || bits == 384) {
                return;
            }
            throw new ValidationException("csr", "an EC key on a " + bits + "-bit curve; Ferry takes P-256 or P-384");
        }
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() >= 2048) {
                return;
            }
            throw new ValidationException("csr", "an RSA key of " + rsa.getModulus().bitLength()
                    + " bits; Ferry takes at least 2048");
        }
        throw new ValidationException("csr", "a " + key.getAlgorithm() + " key; Ferry takes EC (P-256, P-384) or RSA");
    }

    // ---- the CA ----

    private record KeyPairAndCertificate(PrivateKey key, X509Certificate certificate) {
    }

    private KeyPairAndCertificate loadOrCreateCa() {
        Path keyFile = directory.resolve(CA_KEY);
        Path certFile = directory.resolve(CA_CERT);
        boolean hasKey = Files.exists(keyFile);
        boolean hasCert = Files.exists(certFile);
        if (!hasKey && !hasCert) {
            return createCa(keyFile, certFile);
        }
        if (!hasKey) {
            throw new FerryException("The CA key " + keyFile + " is missing (its certificate " + certFile
                    + " is there): restore ca.key from your backup. Ferry does not make a new CA on its own, because"
                    + " every enrolled agent trusts this one (docs/agents.md, \"Certificates\")");
        }
        if (!hasCert) {
            throw new FerryException("The CA certificate " + certFile + " is missing (the key " + keyFile
                    + " is there): restore ca.crt from your backup, or, on a new installation without agents,"
                    + " delete ca.key so that Ferry makes a new CA");
        }
        ownerOnlyFile(keyFile);
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(keyFile);
        } catch (FerryException e) {
            throw new FerryException("The CA key " + keyFile + " is damaged or unreadable (" + e.getMessage()
                    + "): restore it from your backup. Ferry does not replace it, because every enrolled agent"
                    + " trusts this CA and would have to be enrolled again (docs/agents.md, \"Certificates\")", e);
        }
        X509Certificate certificate;
        try {
            certificate = Pem.readCertificate(certFile);
        } catch (FerryException e) {
            throw new FerryException("The CA certificate " + certFile + " is damaged or unreadable ("
                    + e.getMessage() + "): restore it from your backup", e);
        }
        if (!matches(key, certificate.getPublicKey())) {
            throw new FerryException("The CA key " + keyFile + " does not belong to the CA certificate " + certFile
                    + ": restore both from the same backup");
        }
        Instant expires = certificate.getNotAfter().toInstant();
        if (expires.isBefore(clock.instant().plus(Duration.ofDays(365)))) {
            LOG.warn("The manager CA {} expires on {}: after that no agent can connect; plan a new CA and the"
                    + " re-enrollment of every agent before then", certFile, expires);
        }
        return new KeyPairAndCertificate(key, certificate);
    }

    private KeyPairAndCertificate createCa(Path keyFile, Path certFile) {
        KeyPair keys = AgentKeys.newKeyPair();
        byte[] id = new byte[4];
        new SecureRandom().nextBytes(id);
        // a name of its own per installation: CAs of two installations are told apart in any tool
        var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, Certificates.ORGANIZATION)
                .addRDN(BCStyle.CN, "Ferry manager CA " + HexFormat.of().formatHex(id)).build();
        X509Certificate certificate = CertificateIssuer.selfSignedCa(keys, subject, clock.instant(), CA_VALIDITY);
        // key first: a crash in between leaves a key without certificate, which start-up reports
        Pem.writePrivateKey(keyFile, keys.getPrivate());
        Pem.writeCertificates(certFile, List.of(certificate));
        LOG.info("Created the manager CA {} in {}: back up {}, every agent trusts it", subject, directory, keyFile);
        return new KeyPairAndCertificate(keys.getPrivate(), certificate);
    }

    // ---- the manager's certificate ----

    private SingleKeyManager.Identity loadOrIssueManager() {
        Path keyFile = directory.resolve(MANAGER_KEY);
        Path certFile = directory.resolve(MANAGER_CERT);
        String problem;
        if (!Files.exists(keyFile) || !Files.exists(certFile)) {
            problem = "there is none yet";
        } else {
            try {
                ownerOnlyFile(keyFile);
                PrivateKey key = Pem.readPrivateKey(keyFile);
                X509Certificate certificate = Pem.readCertificate(certFile);
                problem = reasonToReissue(key, certificate);
                if (problem == null) {
                    return identity(key, certificate);
                }
            } catch (FerryException e) {
                problem = e.getMessage();
            }
        }
        return issueManager(problem);
    }

    /** Why the manager's key and certificate must be replaced, or null if they may stay. */
    private String reasonToReissue(PrivateKey key, X509Certificate certificate) {
        try {
            certificate.verify(caCertificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            return "it was not issued by this CA";
        }
        if (!matches(key, certificate.getPublicKey())) {
            return MANAGER_KEY + " does not belong to " + MANAGER_CERT;
        }
        if (!Certificates.isManager(certificate)) {
            return "it is not a manager certificate";
        }
        if (!clientAuth(certificate)) {
            // before 1.1 the manager only served; it now also calls repository agents
            return "it cannot authenticate the manager to repository agents (no clientAuth usage)";
        }
        Instant renewAt = certificate.getNotAfter().toInstant().minus(RENEW_BEFORE);
        if (!clock.instant().isBefore(renewAt)) {
            return "it expires on " + certificate.getNotAfter().toInstant();
        }
        try {
            SubjectAltNames present = SubjectAltNames.of(certificate);
            if (!present.equals(altNames)) {
                return "it names " + present + " instead of " + altNames;
            }
        } catch (CertificateParsingException e) {
            return "its subject alternative names cannot be read";
        }
        return null;
    }

    private static boolean clientAuth(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages != null && usages.contains(KeyPurposeId.id_kp_clientAuth.getId());
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private synchronized SingleKeyManager.Identity issueManager(String reason) {
        KeyPair keys = AgentKeys.newKeyPair();
        String name = altNames.dnsNames().contains(hostName.toLowerCase(Locale.ROOT)) ? hostName.toLowerCase(Locale.ROOT)
                : MANAGER_FALLBACK_NAME;
        X509Certificate certificate = CertificateIssuer.endEntity(caKey, caCertificate,
                CertificateIssuer.subject(Certificates.MANAGER_UNIT, name), keys.getPublic(), clock.instant(),
                MANAGER_VALIDITY, new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
                altNames.toGeneralNames());
        // key first: a crash in between leaves a key that does not match the certificate: re-issued at next start
        Pem.writePrivateKey(directory.resolve(MANAGER_KEY), keys.getPrivate());
        Pem.writeCertificates(directory.resolve(MANAGER_CERT), List.of(certificate));
        LOG.info("Issued the manager's certificate for {} until {} ({})", altNames,
                certificate.getNotAfter().toInstant(), reason);
        return identity(keys.getPrivate(), certificate);
    }

    private SingleKeyManager.Identity identity(PrivateKey key, X509Certificate certificate) {
        return new SingleKeyManager.Identity(key, List.of(certificate, caCertificate));
    }

    /** Re-issues the manager's certificate if it is due; the endpoint serves the new one from the next handshake. */
    synchronized void renewIfDue() {
        SingleKeyManager.Identity current = manager.get();
        String reason = reasonToReissue(current.key(), current.chain().get(0));
        if (reason != null) {
            manager.set(issueManager(reason));
        }
    }

    private ScheduledExecutorService startRenewal() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-pki-renewal");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                renewIfDue();
            } catch (RuntimeException e) {
                LOG.error("Cannot renew the manager's certificate in {}; next try in {}", directory, RENEWAL_CHECK, e);
            }
        }, RENEWAL_CHECK.toMinutes(), RENEWAL_CHECK.toMinutes(), TimeUnit.MINUTES);
        return executor;
    }

    // ---- helpers ----

    /** Whether {@code key} is the private half of {@code publicKey}: it signs, the public key verifies. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = "ferry key check".getBytes(StandardCharsets.US_ASCII);
            String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A key file others can read (restored from a backup with the wrong mode) is narrowed to 0600. */
    private static void ownerOnlyFile(Path file) {
        try {
            if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return;
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!permissions.equals(AtomicFiles.OWNER_ONLY)) {
                LOG.warn("{} was readable by others ({}): narrowed to owner only (0600)", file,
                        PosixFilePermissions.toString(permissions));
                Files.setPosixFilePermissions(file, AtomicFiles.OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new FerryException("The permissions of " + file + " cannot be read or narrowed: " + e, e);
        }
    }

    private static Path directory(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        if (data == null || data.isBlank()) {
            throw new FerryException("The system property karaf.data is not set: set directory in"
                    + " etc/io.ferry.pki.cfg to where the manager's CA is kept");
        }
        return Path.of(data, "ferry", "ca");
    }

    /** This machine's host name, read without any name lookup; empty if unknown. */
    static String hostName() {
        for (String file : List.of("/etc/hostname", "/proc/sys/kernel/hostname")) {
            try {
                String name = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot read the host name from {}", file, e);
            }
        }
        return System.getenv().getOrDefault("HOSTNAME", System.getenv().getOrDefault("COMPUTERNAME", "")).strip();
    }
}
