package io.ferry.selection.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The bundle a plugin service comes from, as {@code plugins()} reports it.
 *
 * @param bundle     {@code symbolic-name/version}
 * @param spiVersion the {@code io.ferry.api.spi} version range its Import-Package declares (e.g.
 *                   {@code [1.0,2)}), or {@code wired <version>} when only the wiring tells, or
 *                   {@code none}
 */
record PluginOrigin(String bundle, String spiVersion) {
    static final String SPI_PACKAGE = "io.ferry.api.spi";
    static final PluginOrigin UNKNOWN = new PluginOrigin("unknown", "none");

    static PluginOrigin of(ServiceReference<?> ref) {
        Bundle b = ref == null ? null : ref.getBundle();
        if (b == null) {
            return UNKNOWN;
        }
        String header = b.getHeaders("").get(Constants.IMPORT_PACKAGE);
        String range = importedVersion(header, SPI_PACKAGE).or(() -> wiredVersion(b)).orElse("none");
        return new PluginOrigin(b.getSymbolicName() + "/" + b.getVersion(), range);
    }

    private static Optional<String> wiredVersion(Bundle b) {
        BundleWiring wiring = b.adapt(BundleWiring.class);
        if (wiring == null) {
            return Optional.empty();
        }
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (SPI_PACKAGE.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return Optional.of("wired " + wire.getCapability().getAttributes()
                        .get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE));
            }
        }
        return Optional.empty();
    }

    /**
     * The version attribute of {@code pkg} in an Import-Package header: {@code [1.0,2)}, {@code 1.0}
     * (at least), {@code 0.0.0} when imported without a version, empty when not imported.
     */
    static Optional<String> importedVersion(String header, String pkg) {
        if (header == null) {
            return Optional.empty();
        }
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            boolean named = false;
            String version = "0.0.0";
            for (String part : parts) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    named |= p.equals(pkg);
                } else if (p.substring(0, eq).strip().equals("version")) {
                    version = unquote(p.substring(eq + 1).strip());
                }
            }
            if (named) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** Splits on {@code sep} outside double quotes (version ranges contain commas). */
    private static List<String> split(String text, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
