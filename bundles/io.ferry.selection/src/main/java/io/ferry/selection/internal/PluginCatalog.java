package io.ferry.selection.internal;

import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.PluginState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Every plugin bundle installed, not only those whose services are registered: a bundle built
 * for another SPI major is refused by the resolver and registers nothing, yet the operator
 * who dropped it into {@code deploy/} must see it and why. The registered plugins come from
 * the {@link PluginRegistry}; this adds, from the framework's wiring, every bundle that
 * declares plugin services or imports an SPI package but is not active (REFUSED with each
 * unmet requirement in words, or STOPPED), and every active one that declares plugin
 * services but registers none.
 */
final class PluginCatalog {
    /** Packages a plugin implements interfaces of: the plugin SPI, and disk sources/targets. */
    static final Set<String> SPI_PACKAGES = Set.of(PluginOrigin.SPI_PACKAGE, "io.ferry.api.mover");
    private static final String SERVICE_NAMESPACE = "osgi.service";

    private final BundleContext context;

    PluginCatalog(BundleContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** {@code registered} (the registry's entries) and the plugins that register nothing, by bundle name. */
    List<PluginInfo> plugins(List<PluginInfo> registered) {
        Map<String, PluginInfo> byBundle = new TreeMap<>();
        registered.forEach(p -> byBundle.put(p.bundle(), p));
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName() + "/" + b.getVersion();
            BundleRevision revision = b.adapt(BundleRevision.class);
            if (b.getBundleId() == 0 || revision == null || byBundle.containsKey(name)
                    || (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
                continue;
            }
            notRegistering(b, name, revision).ifPresent(p -> byBundle.put(name, p));
        }
        return new ArrayList<>(byBundle.values());
    }

    /** The entry of a plugin bundle that registers no plugin service now, if {@code b} is one. */
    private Optional<PluginInfo> notRegistering(Bundle b, String name, BundleRevision revision) {
        Set<String> declared = declaredServices(revision);
        String spi = PluginOrigin.importedVersion(b.getHeaders("").get(Constants.IMPORT_PACKAGE),
                PluginOrigin.SPI_PACKAGE).orElse("none");
        return switch (b.getState()) {
            case Bundle.ACTIVE -> declared.isEmpty() ? Optional.empty()
                    : Optional.of(info(name, spi, PluginState.ACTIVE, "registers none of the services it declares ("
                            + String.join(", ", declared) + "); scr:list shows why"));
            case Bundle.INSTALLED -> !declared.isEmpty() || importsSpi(revision)
                    ? Optional.of(info(name, spi, PluginState.REFUSED, refusal(b, revision))) : Optional.empty();
            case Bundle.RESOLVED, Bundle.STARTING, Bundle.STOPPING -> !declared.isEmpty() || importsSpi(revision)
                    ? Optional.of(info(name, spi, PluginState.STOPPED, (b.getState() == Bundle.STARTING
                            ? "starting" : "resolved but not started") + ": bundle:start " + b.getSymbolicName()))
                    : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static PluginInfo info(String name, String spi, PluginState state, String reason) {
        return new PluginInfo(name, spi, Optional.empty(), List.of(), state, reason);
    }

    /** Each requirement the framework has no provider for, in words; what bundle:diag adds when none. */
    private String refusal(Bundle b, BundleRevision revision) {
        FrameworkWiring framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        List<String> unmet = new ArrayList<>();
        for (BundleRequirement req : revision.getDeclaredRequirements(null)) {
            Map<String, String> directives = req.getDirectives();
            String effective = directives.getOrDefault(Constants.EFFECTIVE_DIRECTIVE, Constants.EFFECTIVE_RESOLVE);
            String resolution = directives.getOrDefault(Constants.RESOLUTION_DIRECTIVE, Constants.RESOLUTION_MANDATORY);
            if (!effective.equals(Constants.EFFECTIVE_RESOLVE) || !resolution.equals(Constants.RESOLUTION_MANDATORY)) {
                continue;
            }
            Collection<BundleCapability> providers = framework.findProviders(req);
            if (providers.isEmpty()) {
                String filter = directives.getOrDefault(Constants.FILTER_DIRECTIVE, "");
                unmet.add(UnmetRequirement.describe(req.getNamespace(), filter, offered(req.getNamespace(), filter)));
            }
        }
        return unmet.isEmpty() ? "not resolved, though every requirement has a provider: bundle:diag "
                + b.getSymbolicName() + " tells why" : String.join("; and ", unmet);
    }

    /** The versions of what {@code filter} names that resolved bundles provide in {@code namespace}. */
    private List<Version> offered(String namespace, String filter) {
        Optional<String> name = UnmetRequirement.parse(namespace, filter).map(UnmetRequirement::name);
        if (name.isEmpty()) {
            return List.of();
        }
        String versionKey = namespace.equals("osgi.wiring.bundle") || namespace.equals("osgi.wiring.host")
                ? Constants.BUNDLE_VERSION_ATTRIBUTE : PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE;
        List<Version> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleCapability cap : wiring.getCapabilities(namespace)) {
                if (name.get().equals(String.valueOf(cap.getAttributes().get(namespace)))) {
                    versions(cap.getAttributes().get(versionKey), out);
                }
            }
        }
        return out;
    }

    private static void versions(Object attribute, List<Version> out) {
        if (attribute instanceof Version v) {
            out.add(v);
        } else if (attribute instanceof Collection<?> list) {
            list.forEach(o -> versions(o, out));
        } else if (attribute != null) {
            try {
                out.add(Version.parseVersion(attribute.toString()));
            } catch (IllegalArgumentException e) {
                // an attribute that is no version says nothing about versions
            }
        }
    }

    private static boolean importsSpi(BundleRevision revision) {
        return revision.getDeclaredRequirements(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .map(r -> UnmetRequirement.parse(PackageNamespace.PACKAGE_NAMESPACE,
                        r.getDirectives().getOrDefault(Constants.FILTER_DIRECTIVE, "")))
                .flatMap(Optional::stream).anyMatch(r -> SPI_PACKAGES.contains(r.name()));
    }

    /** The SPI interfaces its manifest says it registers (bnd writes them for DS components), by simple name. */
    private static Set<String> declaredServices(BundleRevision revision) {
        Set<String> out = new TreeSet<>(Comparator.naturalOrder());
        for (BundleCapability cap : revision.getDeclaredCapabilities(SERVICE_NAMESPACE)) {
            Object classes = cap.getAttributes().get(Constants.OBJECTCLASS);
            Collection<?> names = classes instanceof Collection<?> c ? c : List.of(String.valueOf(classes));
            for (Object n : names) {
                String cls = String.valueOf(n);
                int dot = cls.lastIndexOf('.');
                if (dot > 0 && cls.substring(0, dot).equals(PluginOrigin.SPI_PACKAGE)) {
                    out.add(cls.substring(dot + 1));
                }
            }
        }
        return out;
    }
}
