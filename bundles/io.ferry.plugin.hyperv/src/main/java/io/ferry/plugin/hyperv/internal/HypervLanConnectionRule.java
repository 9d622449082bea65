package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.ServerFacts;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.spi.GuestInteractionRule;
import io.ferry.api.spi.VmContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Seed 001, Hyper-V: how a guest interaction proxy reaches the guest of a Hyper-V VM.
 *
 * <p>The seed asks for a LAN connection to the VM and adds that PowerShell Direct, used for
 * VMs on Hyper-V Server 2016 or later running Windows 10 / Windows Server 2016 or later,
 * needs PowerShell 2.0 or later on the proxy. PowerShell Direct talks to the guest through
 * the Hyper-V host, without any network path to the guest, so Ferry treats it as the
 * alternative to a LAN connection (as VIX is for VMware). The rule:
 * <ol>
 * <li>passes over <b>LAN</b> when one of the server's networks overlaps one of the VM's;
 * nothing else is needed then;</li>
 * <li>otherwise passes over <b>PowerShell Direct</b> when all of these hold: the VM's host
 * (or its cluster) declares Hyper-V 2016 or later (a year {@code >= 2016} or an NT 10
 * version such as {@code 10.0.14393}); the guest is Windows 10 / Server 2016 or later (same
 * version forms, {@code 10} and {@code 11} included); the server runs Windows; its
 * {@code powershell.version} fact is 2.0 or later;</li>
 * <li>otherwise fails, naming the missing LAN connection and every unmet PowerShell Direct
 * condition.</li>
 * </ol>
 * The reason always says which path is used.
 */
@Component(service = GuestInteractionRule.class)
public final class HypervLanConnectionRule implements GuestInteractionRule {

    static final String NAME = "hyperv-lan-connection";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Platform> platform() {
        return Optional.of(Platform.HYPERV);
    }

    @Override
    public RuleVerdict evaluate(ManagedServer candidate, VmContext vm) {
        Optional<String> lan = lanConnection(candidate, vm);
        if (lan.isPresent()) {
            return RuleVerdict.pass(NAME, "LAN connection: " + lan.get(), Seeds.GUEST_INTERACTION);
        }
        String noLan = candidate.name() + " shares no network with VM " + vm.vm().name() + " (" + candidate.name()
                + ": " + describe(candidate.spec().networks()) + "; VM: " + describe(vm.vm().spec().networks()) + ")";
        List<String> gaps = powerShellDirectGaps(candidate, vm);
        if (gaps.isEmpty()) {
            return RuleVerdict.pass(NAME, "PowerShell Direct: " + noLan + ", but host " + vm.host().name() + " runs"
                    + " Hyper-V " + HypervTopology.version(vm).orElseThrow() + ", the guest runs "
                    + vm.vm().spec().guestOs() + " and " + candidate.name() + " has PowerShell "
                    + candidate.spec().fact(ServerFacts.POWERSHELL_VERSION).orElseThrow().strip(),
                    Seeds.GUEST_INTERACTION);
        }
        return RuleVerdict.fail(NAME, "no LAN connection: " + noLan + "; PowerShell Direct is not possible: "
                + String.join("; ", gaps), Seeds.GUEST_INTERACTION);
    }

    private static List<String> powerShellDirectGaps(ManagedServer candidate, VmContext vm) {
        List<String> gaps = new ArrayList<>();
        String host = "host " + vm.host().name();
        Optional<String> hostVersion = HypervTopology.version(vm);
        if (hostVersion.isEmpty()) {
            gaps.add(host + " declares no Hyper-V version (PowerShell Direct needs Hyper-V 2016 or later)");
        } else if (!HypervVersion.isWindows10Or2016Plus(hostVersion.get())) {
            gaps.add(host + " runs Hyper-V " + hostVersion.get() + " (PowerShell Direct needs 2016 or later)");
        }
        OsInfo guest = vm.vm().spec().guestOs();
        if (!guest.isWindows() || !HypervVersion.isWindows10Or2016Plus(guest.version())) {
            gaps.add("the guest runs " + guest + ", not Windows 10 / Windows Server 2016 or later");
        }
        if (!candidate.spec().os().isWindows()) {
            gaps.add(candidate.name() + " runs " + candidate.spec().os()
                    + " (PowerShell Direct needs a Windows server)");
        }
        Optional<String> ps = candidate.spec().fact(ServerFacts.POWERSHELL_VERSION);
        if (ps.isEmpty()) {
            gaps.add(candidate.name() + " declares no " + ServerFacts.POWERSHELL_VERSION
                    + " (PowerShell Direct needs PowerShell 2.0 or later)");
        } else if (!HypervVersion.atLeast(ps.get(), 2, 0)) {
            gaps.add(candidate.name() + " has PowerShell " + ps.get().strip()
                    + " (PowerShell Direct needs 2.0 or later)");
        }
        return gaps;
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
