package io.ferry.pki.internal;

import io.ferry.api.ValidationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/**
 * The names of the manager's certificate: DNS names (lower case) and IP addresses (canonical
 * form), compared as sets so that "::1" and "0:0:0:0:0:0:0:1" are the same address.
 */
record SubjectAltNames(Set<String> dnsNames, Set<String> ipAddresses) {
    /** Always in the manager's certificate: the agents on this machine dial these. */
    static final List<String> LOCAL = List.of("localhost", "127.0.0.1", "::1");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    SubjectAltNames {
        dnsNames = Set.copyOf(new TreeSet<>(dnsNames));
        ipAddresses = Set.copyOf(new TreeSet<>(ipAddresses));
    }

    /**
     * The local names, the host name (when it is a valid DNS name) and the configured list.
     *
     * @param configured comma-separated DNS names and IP addresses, blanks around entries ignored
     * @throws ValidationException field {@code subjectAltNames}: an entry is neither
     */
    static SubjectAltNames of(String configured, String hostName) {
        Set<String> dns = new TreeSet<>();
        Set<String> ips = new TreeSet<>();
        for (String local : LOCAL) {
            add(local, dns, ips);
        }
        String host = hostName == null ? "" : hostName.strip().toLowerCase(Locale.ROOT);
        if (DNS_NAME.matcher(host).matches()) {
            dns.add(host);
        }
        for (String entry : configured == null ? new String[0] : configured.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            if (!add(entry.strip(), dns, ips)) {
                throw new ValidationException("subjectAltNames", "'" + entry.strip() + "' is neither a DNS name"
                        + " (letters, digits, hyphens, dots; no wildcard) nor an IP address; give a comma-separated"
                        + " list such as backup.example.com, 192.0.2.10");
            }
        }
        return new SubjectAltNames(dns, ips);
    }

    /** The names in a certificate's subjectAltName extension (other kinds of names ignored). */
    static SubjectAltNames of(X509Certificate certificate) throws CertificateParsingException {
        Set<String> dns = new TreeSet<>();
        Set<String> ips = new TreeSet<>();
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        for (List<?> name : names == null ? List.<List<?>>of() : names) {
            int type = (Integer) name.get(0);
            if (type == GeneralName.dNSName) {
                dns.add(((String) name.get(1)).toLowerCase(Locale.ROOT));
            } else if (type == GeneralName.iPAddress) {
                ips.add(canonicalIp((String) name.get(1)));
            }
        }
        return new SubjectAltNames(dns, ips);
    }

    private static boolean add(String entry, Set<String> dns, Set<String> ips) {
        if (IPAddress.isValid(entry)) {
            ips.add(canonicalIp(entry));
            return true;
        }
        String lower = entry.toLowerCase(Locale.ROOT);
        if (DNS_NAME.matcher(lower).matches() && !lower.matches("[0-9.]+")) {
            dns.add(lower);
            return true;
        }
        return false;
    }

    /** An IP literal in Java's canonical form; only literals reach here, so nothing is looked up. */
    private static String canonicalIp(String literal) {
        try {
            return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    GeneralNames toGeneralNames() {
        List<GeneralName> names = new ArrayList<>();
        new TreeSet<>(dnsNames).forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        new TreeSet<>(ipAddresses).forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a)));
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(new TreeSet<>(dnsNames));
        all.addAll(new TreeSet<>(ipAddresses));
        return String.join(", ", all);
    }
}
