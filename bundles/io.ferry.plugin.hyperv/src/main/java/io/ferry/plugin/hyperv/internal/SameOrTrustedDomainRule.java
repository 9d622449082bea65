package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004, SMB3 storage: the off-host backup proxy must be in the domain of the SMB3 server,
 * or that domain must be trusted by the proxy's domain. The inventory has no file-server
 * object: the SMB3 server's domain is the domain of the host (or cluster) declaring the share,
 * else the VM's host's, else its cluster's.
 */
@Component(service = ProxyRule.class)
public final class SameOrTrustedDomainRule implements ProxyRule {

    static final String NAME = "same-or-trusted-domain";

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
        if (!HypervTopology.isOn(disk, StorageKind.SMB3)) {
            return RuleVerdict.pass(NAME, HypervTopology.notApplicable(disk, StorageKind.SMB3), Seeds.OFFHOST);
        }
        HostStorage share = HypervTopology.storage(disk).orElseThrow();
        String server = "the SMB3 server of share " + share.name();
        Optional<String> smbDomain = smbDomain(disk);
        if (smbDomain.isEmpty()) {
            return RuleVerdict.fail(NAME, "cannot verify: neither host " + disk.vm().host().name()
                    + " nor its cluster declares the domain of " + server, Seeds.OFFHOST);
        }
        String domain = smbDomain.get();
        Optional<String> own = candidate.spec().domain();
        if (own.isEmpty()) {
            return RuleVerdict.fail(NAME, candidate.name() + " is in no Windows domain; " + server + " is in domain "
                    + domain, Seeds.OFFHOST);
        }
        if (own.get().equalsIgnoreCase(domain)) {
            return RuleVerdict.pass(NAME, candidate.name() + " and " + server + " are both in domain " + domain,
                    Seeds.OFFHOST);
        }
        if (candidate.spec().trustedDomains().stream().anyMatch(d -> d.equalsIgnoreCase(domain))) {
            return RuleVerdict.pass(NAME, candidate.name() + "'s domain " + own.get() + " trusts domain " + domain
                    + " of " + server, Seeds.OFFHOST);
        }
        return RuleVerdict.fail(NAME, candidate.name() + " is in domain " + own.get() + ", " + server + " in domain "
                + domain + ", which " + own.get() + " does not trust", Seeds.OFFHOST);
    }

    private static Optional<String> smbDomain(DiskContext disk) {
        return HypervTopology.owner(disk).flatMap(o -> o.spec().domain())
                .or(() -> disk.vm().host().spec().domain())
                .or(() -> HypervTopology.cluster(disk.vm()).map(PlatformHost::spec).flatMap(s -> s.domain()));
    }
}
