package io.ferry.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;

/** Certificate fingerprints as Ferry shows and compares them. */
public final class Fingerprints {

    private Fingerprints() {
    }

    /**
     * SHA-256 of the certificate's DER encoding, 64 lower-case hex digits without separators
     * (what {@code openssl x509 -fingerprint -sha256} prints, without the colons, in lower case).
     */
    public static String sha256(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal()
                    + " has no DER encoding", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
