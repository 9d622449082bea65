package io.ferry.mover.internal.paths;

import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path policy of this Ferry installation, configuration PID {@value PathPolicy#PID}
 * ({@code etc/io.ferry.paths.cfg}): one comma-separated list of directories per
 * {@link PathArea#setting()} (defaults under {@code ${karaf.data}/ferry}) and the NBD host
 * allow-list {@value PathPolicy#NBD_HOSTS} (default loopback). {@code ${karaf.etc}} is never
 * reachable. A configuration change replaces the policy in place ({@link Modified}): the
 * service stays registered, so the services using it (and the job runs in progress) are not
 * restarted, and the next check uses the new roots.
 */
@Component(service = PathPolicy.class, configurationPid = PathPolicy.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ConfiguredPathPolicy implements PathPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredPathPolicy.class);

    private final BundleContext context;
    private volatile ConfinedPaths paths;

    @Activate
    public ConfiguredPathPolicy(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        this.paths = read(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        this.paths = read(properties);
    }

    private ConfinedPaths read(Map<String, Object> properties) {
        String etc = context.getProperty("karaf.etc");
        if (etc == null) {
            throw new IllegalStateException("the system property karaf.etc is not set: Ferry's path policy needs"
                    + " to know its configuration directory");
        }
        ConfinedPaths read = ConfinedPaths.fromConfiguration(properties, context::getProperty,
                Path.of(etc).toAbsolutePath());
        for (PathArea area : PathArea.values()) {
            LOG.info("Path policy: {} in {} ({})", area.description(), read.roots(area), area.setting());
        }
        return read;
    }

    @Override
    public Path require(PathArea area, Path path) {
        return paths.require(area, path);
    }

    @Override
    public void requireNbdHost(String host, int port) {
        paths.requireNbdHost(host, port);
    }

    @Override
    public List<Path> roots(PathArea area) {
        return paths.roots(area);
    }
}
