package io.ferry.pki;

import io.ferry.api.ValidationException;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Reading Ferry's certificates: DER decoding, and the role and name in their subject
 * ({@code O=Ferry, OU=manager|agent, CN=<name>}).
 */
public final class Certificates {

    /** {@code OU} of the manager endpoint's certificate. */
    public static final String MANAGER_UNIT = "manager";
    /** {@code OU} of an agent's certificate. */
    public static final String AGENT_UNIT = "agent";
    /** {@code O} of every certificate Ferry issues. */
    public static final String ORGANIZATION = "Ferry";

    private Certificates() {
    }

    /**
     * Decodes one X.509 certificate (DER), e.g. from the enrollment reply.
     *
     * @throws ValidationException field {@code certificate}: not a DER-encoded X.509 certificate
     */
    public static X509Certificate fromDer(byte[] der) {
        Objects.requireNonNull(der, "der");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new ValidationException("certificate", "not a DER-encoded X.509 certificate (" + e.getMessage() + ")");
        }
    }

    /** The subject's common name: the managed server of an agent certificate, the host of the manager's. */
    public static Optional<String> commonName(X509Certificate certificate) {
        return attribute(certificate, BCStyle.CN);
    }

    /** Whether the certificate is the manager endpoint's ({@code O=Ferry, OU=manager}). */
    public static boolean isManager(X509Certificate certificate) {
        return hasUnit(certificate, MANAGER_UNIT);
    }

    /** Whether the certificate is an agent's ({@code O=Ferry, OU=agent}). */
    public static boolean isAgent(X509Certificate certificate) {
        return hasUnit(certificate, AGENT_UNIT);
    }

    private static boolean hasUnit(X509Certificate certificate, String unit) {
        return attribute(certificate, BCStyle.O).filter(ORGANIZATION::equals).isPresent()
                && attribute(certificate, BCStyle.OU).filter(unit::equals).isPresent();
    }

    /** The attribute's value when the subject has it exactly once, in a single-valued RDN. */
    private static Optional<String> attribute(X509Certificate certificate, ASN1ObjectIdentifier type) {
        Objects.requireNonNull(certificate, "certificate");
        RDN[] rdns = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            return Optional.empty();
        }
        ASN1Encodable value = rdns[0].getFirst().getValue();
        // the value itself, not its escaped RFC 4514 form: a server name may contain a comma
        return Optional.of(value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value));
    }
}
