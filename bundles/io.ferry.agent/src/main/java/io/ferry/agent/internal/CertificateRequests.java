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

/**
 * The manager's check of an agent's PKCS#10 certificate request before it redeems the token, so
 * that a malformed request does not use the token up (the agent makes its key and request with
 * {@link io.ferry.pki.AgentKeys}; the CA checks the request again when it issues).
 */
public final class CertificateRequests {
    private CertificateRequests() {
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
