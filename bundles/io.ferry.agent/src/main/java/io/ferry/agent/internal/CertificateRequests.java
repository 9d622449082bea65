package io.ferry.agent.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** An agent's key pair and its PKCS#10 certificate request (BouncyCastle), and their check on the manager. */
public final class CertificateRequests {
    private CertificateRequests() {
    }

    /** A new EC P-256 key pair: the agent's key, which never leaves the agent. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make EC P-256 keys: " + e.getMessage(), e);
        }
    }

    /**
     * A certificate request for the key pair (DER). The subject is only a placeholder: the
     * manager names the certificate after the server the token enrolls.
     */
    public static byte[] create(KeyPair keys) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
            return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=ferry-agent"), keys.getPublic())
                    .build(signer).getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code der} is a PKCS#10 request signed by the key it carries.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void check(byte[] der) {
        PKCS10CertificationRequest request;
        try {
            request = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the certificate request is not PKCS#10 (DER): " + e.getMessage(), e);
        }
        try {
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .build(new JcaPKCS10CertificationRequest(request).getPublicKey()))) {
                throw new IllegalArgumentException("the certificate request's signature does not match its key");
            }
        } catch (OperatorCreationException | PKCSException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate request's signature cannot be checked: "
                    + e.getMessage(), e);
        }
    }
}
