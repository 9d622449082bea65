package io.ferry.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** An agent's key pair and certificate request (the private key never leaves the agent). */
public final class AgentKeys {

    /** The signature algorithm of requests and of every certificate the manager's CA signs. */
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentKeys() {
    }

    /** A new EC key pair on curve P-256 (secp256r1). */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java platform cannot make EC P-256 keys", e);
        }
    }

    /**
     * A PKCS#10 certificate request (DER) for {@code keys}, signed with its private key, asking
     * for the subject {@code CN=<commonName>}. The manager sets the subject itself; the request
     * proves that the agent holds the key.
     */
    public static byte[] csr(KeyPair keys, String commonName) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(commonName, "commonName");
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            var signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keys.getPrivate());
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic()).build(signer).getEncoded();
        } catch (OperatorCreationException e) {
            throw new IllegalArgumentException("cannot sign a certificate request with a "
                    + keys.getPrivate().getAlgorithm() + " key (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a certificate request", e);
        }
    }
}
