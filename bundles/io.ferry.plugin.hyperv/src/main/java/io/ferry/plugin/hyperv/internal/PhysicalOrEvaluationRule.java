package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.ProxyRule;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 004: an off-host backup proxy must be a physical machine; a virtual machine only for
 * evaluation and testing (the role's {@code evaluation} setting) with the Hyper-V role enabled
 * in it (nested virtualization, fact {@code hyperv.nested=true}).
 */
@Component(service = ProxyRule.class)
public final class PhysicalOrEvaluationRule implements ProxyRule {

    static final String NAME = "physical-or-evaluation-with-nested-hyperv";

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
        return verdict(candidate);
    }

    static RuleVerdict verdict(ManagedServer server) {
        if (server.spec().machineKind() == MachineKind.PHYSICAL) {
            return RuleVerdict.pass(NAME, server.name() + " is a physical machine", Seeds.OFFHOST);
        }
        boolean evaluation = server.role(RoleType.HYPERV_OFFHOST_PROXY).flatMap(ServerRole::offhost)
                .map(OffhostProxySettings::evaluation).orElse(false);
        if (!evaluation) {
            return RuleVerdict.fail(NAME, server.name() + " is a virtual machine; off-host proxies must be physical"
                    + " (a VM only for evaluation, with nested Hyper-V)", Seeds.OFFHOST);
        }
        if (!server.spec().factIsTrue(ServerFacts.NESTED_HYPERV)) {
            return RuleVerdict.fail(NAME, server.name() + " is an evaluation VM without nested Hyper-V (fact "
                    + ServerFacts.NESTED_HYPERV + " is not true)", Seeds.OFFHOST);
        }
        return RuleVerdict.pass(NAME, server.name() + " is an evaluation VM with nested Hyper-V (not recommended in"
                + " production)", Seeds.OFFHOST);
    }
}
