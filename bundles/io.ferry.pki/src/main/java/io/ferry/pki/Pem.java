package io.ferry.pki;

import io.ferry.api.FerryException;
import io.ferry.pki.internal.AtomicFiles;
import io.ferry.pki.internal.KeyAlgorithms;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM text and files for keys and certificates, as OpenSSL reads and writes them: certificates
 * as {@code CERTIFICATE} blocks, private keys as unencrypted PKCS#8 {@code PRIVATE KEY} (an
 * OpenSSL {@code EC PRIVATE KEY} is read too). Files are replaced atomically (temporary file,
 * fsync, rename); a key file is owner-only (0600) from its creation on, before the key is
 * written into it.
 */
public final class Pem {

    private Pem() {
    }

    /** Certificates as PEM text, in the given order (leaf first for a chain). */
    public static String certificates(List<X509Certificate> certificates) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate to encode");
        }
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a certificate as PEM", e);
        }
        return out.toString();
    }

    /** The private key as an unencrypted PKCS#8 PEM block. */
    public static String privateKey(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + key.getAlgorithm() + " private key as PEM", e);
        }
        return out.toString();
    }

    /**
     * The certificates of PEM text, in order.
     *
     * @param source names the text in error messages (a file name, "the enrollment reply")
     * @throws FerryException naming {@code source}: no certificate, or something else than certificates
     */
    public static List<X509Certificate> parseCertificates(String pem, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (!(o instanceof X509CertificateHolder holder)) {
                    throw new FerryException(source + " holds a " + o.getClass().getSimpleName()
                            + " where only certificates (BEGIN CERTIFICATE) are expected");
                }
                certificates.add(converter.getCertificate(holder));
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            if (e instanceof FerryException fe) {
                throw fe;
            }
            throw new FerryException(source + " is not readable as PEM certificates: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new FerryException(source + " holds no certificate (BEGIN CERTIFICATE)");
        }
        return List.copyOf(certificates);
    }

    /**
     * The private key of PEM text (PKCS#8 {@code PRIVATE KEY} or OpenSSL {@code EC PRIVATE KEY}).
     *
     * @param source names the text in error messages
     * @throws FerryException naming {@code source}: not exactly one unencrypted private key
     */
    public static PrivateKey parsePrivateKey(String pem, String source) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            if (o == null) {
                throw new FerryException(source + " holds no private key (BEGIN PRIVATE KEY)");
            }
            if (parser.readObject() != null) {
                throw new FerryException(source + " holds more than the one private key expected");
            }
            PrivateKeyInfo info;
            if (o instanceof PrivateKeyInfo pkcs8) {
                info = pkcs8;
            } else if (o instanceof PEMKeyPair openssl) {
                info = openssl.getPrivateKeyInfo();
            } else {
                throw new FerryException(source + " holds a " + o.getClass().getSimpleName()
                        + ", not an unencrypted private key (BEGIN PRIVATE KEY)");
            }
            return KeyAlgorithms.privateKey(info);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof FerryException fe) {
                throw fe;
            }
            throw new FerryException(source + " is not readable as a PEM private key: " + e.getMessage(), e);
        }
    }

    /** Reads the certificates of a PEM file; errors name the file. */
    public static List<X509Certificate> readCertificates(Path file) {
        return parseCertificates(read(file), file.toString());
    }

    /** Reads a PEM file that holds exactly one certificate; errors name the file. */
    public static X509Certificate readCertificate(Path file) {
        List<X509Certificate> certificates = readCertificates(file);
        if (certificates.size() != 1) {
            throw new FerryException(file + " holds " + certificates.size() + " certificates where one is expected");
        }
        return certificates.get(0);
    }

    /** Reads a PEM private key file; errors name the file. */
    public static PrivateKey readPrivateKey(Path file) {
        return parsePrivateKey(read(file), file.toString());
    }

    /** Replaces {@code file} atomically with the certificates (mode 0644: certificates are public). */
    public static void writeCertificates(Path file, List<X509Certificate> certificates) {
        write(file, certificates(certificates), false);
    }

    /** Replaces {@code file} atomically with the key; the file is 0600 from its creation on. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        write(file, privateKey(key), true);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new FerryException(file + " cannot be read: " + e, e);
        }
    }

    private static void write(Path file, String pem, boolean ownerOnly) {
        try {
            AtomicFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII), ownerOnly);
        } catch (IOException e) {
            throw new FerryException(file + " cannot be written: " + e, e);
        }
    }
}
