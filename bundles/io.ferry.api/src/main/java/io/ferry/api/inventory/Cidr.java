package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation, in canonical form ({@code 10.0.1.0/24},
 * {@code 2001:db8::/32}). A value with host bits set ({@code 10.0.1.5/24}) is refused with
 * the network it probably means, so that "same network" comparisons are exact.
 */
public record Cidr(String value) implements Comparable<Cidr> {

    public Cidr {
        value = canonical(Checks.required("network", value));
    }

    public static Cidr of(String text) {
        return new Cidr(text);
    }

    /** Prefix length in bits. */
    public int prefixLength() {
        return Integer.parseInt(value.substring(value.indexOf('/') + 1));
    }

    /** True if both networks share at least one address (one contains the other). */
    public boolean overlaps(Cidr other) {
        byte[] a = network();
        byte[] b = other.network();
        if (a.length != b.length) {
            return false;
        }
        int bits = Math.min(prefixLength(), other.prefixLength());
        return Arrays.equals(mask(a, bits), mask(b, bits));
    }

    /** True if the IP literal {@code address} lies in this network. */
    public boolean contains(String address) {
        byte[] ip = IpAddresses.parseLiteral(address).orElse(null);
        byte[] net = network();
        return ip != null && ip.length == net.length && Arrays.equals(mask(ip, prefixLength()), net);
    }

    private byte[] network() {
        return IpAddresses.parseLiteral(value.substring(0, value.indexOf('/'))).orElseThrow();
    }

    private static String canonical(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new ValidationException("network", "'" + text + "' is not in CIDR notation; expected e.g. 10.0.1.0/24");
        }
        byte[] address = IpAddresses.parseLiteral(text.substring(0, slash)).orElseThrow(() ->
                new ValidationException("network", "'" + text + "' does not start with an IP address; expected e.g. 10.0.1.0/24"));
        int bits;
        try {
            bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > address.length * 8) {
            throw new ValidationException("network", "'" + text + "' has an invalid prefix length; use 0-" + address.length * 8);
        }
        byte[] network = mask(address, bits);
        String canonical = IpAddresses.format(network) + "/" + bits;
        if (!Arrays.equals(network, address)) {
            throw new ValidationException("network", "'" + text + "' has host bits set; did you mean '" + canonical + "'?");
        }
        return canonical;
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    /** Numeric order: IPv4 before IPv6, then by address, then by prefix length. */
    @Override
    public int compareTo(Cidr o) {
        byte[] a = network();
        byte[] b = o.network();
        if (a.length != b.length) {
            return Integer.compare(a.length, b.length);
        }
        int byAddress = Arrays.compareUnsigned(a, b);
        return byAddress != 0 ? byAddress : Integer.compare(prefixLength(), o.prefixLength());
    }

    @Override
    public String toString() {
        return value;
    }
}
