package io.ferry.api.agent;

/**
 * The version of the protocol between manager and agents. Agents one minor version apart
 * interoperate with the manager; another major version, or minor versions further apart, are
 * refused with a message naming both versions.
 *
 * @param major incompatible changes
 * @param minor compatible additions
 */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {

    public ProtocolVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("protocol version " + major + "." + minor + " has a negative part");
        }
    }

    /** Parses {@code MAJOR.MINOR}. */
    public static ProtocolVersion parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\.");
        try {
            if (parts.length == 2) {
                return new ProtocolVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("protocol version '" + text + "' is not MAJOR.MINOR (e.g. 1.0)");
    }

    /** Whether a peer speaking {@code other} may talk to one speaking this version. */
    public boolean interoperatesWith(ProtocolVersion other) {
        return major == other.major && Math.abs(minor - other.minor) <= 1;
    }

    @Override
    public int compareTo(ProtocolVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
