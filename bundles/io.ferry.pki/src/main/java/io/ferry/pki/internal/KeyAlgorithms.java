package io.ferry.pki.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Encoded keys to JCA keys through the JDK's own key factories (no JCA provider is registered). */
public final class KeyAlgorithms {

    private KeyAlgorithms() {
    }

    public static PrivateKey privateKey(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
        return factory(info.getPrivateKeyAlgorithm().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    public static PublicKey publicKey(SubjectPublicKeyInfo info) throws IOException, GeneralSecurityException {
        return factory(info.getAlgorithm().getAlgorithm()).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    }

    private static KeyFactory factory(ASN1ObjectIdentifier algorithm) throws NoSuchAlgorithmException {
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            return KeyFactory.getInstance("EC");
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            return KeyFactory.getInstance("RSA");
        }
        throw new NoSuchAlgorithmException("keys of algorithm " + algorithm + " (Ferry uses EC or RSA keys)");
    }
}
