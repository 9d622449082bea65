package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.VmContext;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 001: for VMware vSphere VMs the guest interaction proxy needs either a LAN or a VIX
 * connection to the VM; one is enough.
 * <ul>
 * <li>LAN: one of the server's networks overlaps one of the VM's networks.</li>
 * <li>VIX: guest operations through vCenter (or the standalone ESXi host) with VMware Tools,
 * which needs no network path to the guest. Ferry cannot probe it, so it is assumed
 * available unless the server declares the fact {@code vix.enabled=false} (e.g. vCenter
 * guest operations are blocked for it).</li>
 * </ul>
 * The reason says which connection is used, or why neither is.
 */
@Component(service = GuestInteractionRule.class)
public final class VmwareLanOrVixRule implements GuestInteractionRule {

    static final String NAME = "vmware-lan-or-vix";
    /** Server fact: {@code false} when the server cannot use VIX guest operations. */
    static final String VIX_ENABLED = "vix.enabled";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.of(Platform.VMWARE);
    }

    @Override
    public RuleVerdict evaluate(ManagedServer candidate, VmContext vm) {
        Optional<String> lan = lanConnection(candidate, vm);
        if (lan.isPresent()) {
            return RuleVerdict.pass(NAME, "LAN connection: " + lan.get(), Seeds.GUEST_INTERACTION);
        }
        String noLan = candidate.name() + " shares no network with VM " + vm.vm().name() + " ("
                + candidate.name() + ": " + describe(candidate.spec().networks()) + "; VM: "
                + describe(vm.vm().spec().networks()) + ")";
        if (vixDisabled(candidate)) {
            return RuleVerdict.fail(NAME, "neither LAN nor VIX connection: " + noLan + " and VIX is disabled on "
                    + candidate.name() + " (fact " + VIX_ENABLED + "=false)", Seeds.GUEST_INTERACTION);
        }
        String through = VsphereTopology.vcenter(vm).map(vc -> "vCenter " + vc.name())
                .orElse("ESXi host " + vm.host().name());
        return RuleVerdict.pass(NAME, "VIX connection through " + through + " (no LAN connection: " + noLan + ")",
                Seeds.GUEST_INTERACTION);
    }

    static boolean vixDisabled(ManagedServer server) {
        return server.spec().fact(VIX_ENABLED).filter(v -> v.strip().equalsIgnoreCase("false")).isPresent();
    }

    private static Optional<String> lanConnection(ManagedServer server, VmContext vm) {
        for (Cidr own : server.spec().networks()) {
            for (Cidr guest : vm.vm().spec().networks()) {
                if (own.overlaps(guest)) {
                    return Optional.of(server.name() + "'s network " + own + " overlaps VM " + vm.vm().name()
                            + "'s network " + guest);
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(List<Cidr> networks) {
        return networks.isEmpty() ? "no networks" : String.join(", ", networks.stream().map(Cidr::toString).toList());
    }
}
