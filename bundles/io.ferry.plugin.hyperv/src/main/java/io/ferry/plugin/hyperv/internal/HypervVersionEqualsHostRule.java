package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004: the versions of the Hyper-V host and the off-host backup proxy must coincide:
 * the proxy's {@code hyperv.version} fact against the host's declared version (or its
 * cluster's). A missing version on either side fails: the rule cannot be verified.
 */
@Component(service = ProxyRule.class)
public final class HypervVersionEqualsHostRule implements ProxyRule {

    static final String NAME = "hyperv-version-equals-host";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.of(Platform.HYPERV);
    }

    @Override
    public RuleVerdict evaluate(ManagedServer candidate, DiskContext disk) {
        return verdict(NAME, candidate, disk.vm().host(), HypervTopology.version(disk.vm()));
    }

    /** The version comparison, shared with the dedup rule and the readiness check. */
    static RuleVerdict verdict(String rule, ManagedServer proxy, PlatformHost host, Optional<String> hostVersion) {
        Optional<String> own = HypervVersion.of(proxy);
        if (hostVersion.isEmpty()) {
            return RuleVerdict.fail(rule, "cannot verify: host " + host.name() + " declares no Hyper-V version ("
                    + proxy.name() + " runs " + own.orElse("an undeclared version") + ")", Seeds.OFFHOST);
        }
        if (own.isEmpty()) {
            return RuleVerdict.fail(rule, proxy.name() + " declares no " + ServerFacts.HYPERV_VERSION + "; host "
                    + host.name() + " runs Hyper-V " + hostVersion.get() + " and the versions must coincide",
                    Seeds.OFFHOST);
        }
        if (!HypervVersion.same(own.get(), hostVersion.get())) {
            return RuleVerdict.fail(rule, proxy.name() + " runs Hyper-V " + own.get() + ", host " + host.name()
                    + " runs " + hostVersion.get() + ": the versions must coincide", Seeds.OFFHOST);
        }
        return RuleVerdict.pass(rule, proxy.name() + " and host " + host.name() + " both run Hyper-V "
                + hostVersion.get(), Seeds.OFFHOST);
    }
}
