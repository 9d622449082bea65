package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.spi.DiskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The transport mode restrictions that apply to one proxy reading one disk (seed 003): the
 * job's {@link TransportChoice} and the proxy role's {@link VmwareProxySettings}. Both must
 * allow a mode. A fixed mode allows only itself; network mode is then used only as a
 * failover, and only when every party that fixed another mode allows failover. Network and
 * network-ssl are one mode for these restrictions; encryption is the proxy's choice.
 *
 * @param proxy          the proxy's name
 * @param jobFixed       the mode the job fixes, if any
 * @param jobFailover    the job allows failover from its fixed mode to network
 * @param proxyFixed     the mode the proxy is fixed to, if any
 * @param proxyFailover  the proxy allows failover from its fixed mode to network
 * @param encryptNetwork the proxy uses network-ssl (NBDSSL) instead of network (NBD)
 */
record TransportRestrictions(String proxy, Optional<TransportMode> jobFixed, boolean jobFailover,
        Optional<TransportMode> proxyFixed, boolean proxyFailover, boolean encryptNetwork) {

    /** A fixed mode other than network, and who fixed it. */
    record Fixed(TransportMode mode, String by) {
    }

    static TransportRestrictions of(ManagedServer proxy, DiskContext disk) {
        TransportChoice job = disk.vm().job().transport();
        VmwareProxySettings settings = proxy.role(RoleType.VMWARE_PROXY).flatMap(ServerRole::vmware)
                .orElse(VmwareProxySettings.AUTOMATIC);
        return new TransportRestrictions(proxy.name(), job.fixedMode(), job.failoverToNetwork(),
                settings.fixedMode(), settings.failoverToNetwork(), settings.encryptNetworkTraffic());
    }

    /** The transport mode id used in plans, e.g. {@code virtual-appliance}. */
    static String id(TransportMode mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Why {@code mode} may not be used by this proxy for this job, e.g. "job fixes
     * virtual-appliance" or "proxy px-01 is fixed to network"; empty if it may.
     */
    Optional<String> forbids(TransportMode mode) {
        if (jobFixed.isPresent() && !same(jobFixed.get(), mode)) {
            return Optional.of("job fixes " + id(jobFixed.get()));
        }
        if (proxyFixed.isPresent() && !same(proxyFixed.get(), mode)) {
            return Optional.of("proxy " + proxy + " is fixed to " + id(proxyFixed.get()));
        }
        return Optional.empty();
    }

    /** The fixed modes other than network, the job's first: network is a failover from these. */
    List<Fixed> fixedOtherThanNetwork() {
        List<Fixed> out = new ArrayList<>();
        jobFixed.filter(m -> !isNetwork(m)).ifPresent(m -> out.add(new Fixed(m, "the job")));
        proxyFixed.filter(m -> !isNetwork(m)).ifPresent(m -> out.add(new Fixed(m, "proxy " + proxy)));
        return out;
    }

    /**
     * Why network mode may not be used even as a failover: a party fixed another mode and
     * does not allow failover. Empty if network may be used.
     */
    Optional<String> networkBlocked() {
        if (jobFixed.filter(m -> !isNetwork(m)).isPresent() && !jobFailover) {
            return Optional.of("failover to network is disabled: job fixes " + id(jobFixed.get()));
        }
        if (proxyFixed.filter(m -> !isNetwork(m)).isPresent() && !proxyFailover) {
            return Optional.of("failover to network is disabled: proxy " + proxy + " is fixed to "
                    + id(proxyFixed.get()));
        }
        return Optional.empty();
    }

    private static boolean same(TransportMode a, TransportMode b) {
        return a == b || isNetwork(a) && isNetwork(b);
    }

    static boolean isNetwork(TransportMode mode) {
        return mode == TransportMode.NETWORK || mode == TransportMode.NETWORK_SSL;
    }
}
