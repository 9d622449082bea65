package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.TransportModeProvider;
import java.util.List;
import java.util.Optional;

/**
 * Network mode (seed 003): the proxy reads through the ESXi host's management network, NBD,
 * or NBDSSL when the proxy encrypts network traffic. Every proxy can reach every host this
 * way, so it is the last resort of automatic selection. Under a fixed mode (the job's or
 * the proxy's) it is only a failover: unavailable when a party that fixed another mode does
 * not allow failover ("failover to network is disabled"); otherwise available with
 * {@code fallback = true} and a reason naming the fixed mode that could not be used.
 *
 * <p>The selection core takes the first available step in preference order, so a failover
 * step is only chosen when the fixed mode's own step was unavailable, whether for the
 * reasons this plugin sees or because the core treats the mode as failed (what-if).
 */
abstract class NetworkTransport implements TransportModeProvider {

    private final boolean encrypted;

    NetworkTransport(boolean encrypted) {
        this.encrypted = encrypted;
    }

    @Override
    public final Platform platform() {
        return Platform.VMWARE;
    }

    @Override
    public final String mode() {
        return encrypted ? NetworkSslMode.MODE : NetworkMode.MODE;
    }

    @Override
    public final int preference() {
        return 30;
    }

    @Override
    public final TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
        TransportRestrictions restrictions = TransportRestrictions.of(proxy, disk);
        if (restrictions.encryptNetwork() != encrypted) {
            return TransportStep.unavailable(mode(), encrypted
                    ? "proxy " + proxy.name() + " does not encrypt network traffic; " + NetworkMode.MODE + " is used"
                    : "proxy " + proxy.name() + " encrypts network traffic; " + NetworkSslMode.MODE + " is used");
        }
        Optional<String> blocked = restrictions.networkBlocked();
        if (blocked.isPresent()) {
            return TransportStep.unavailable(mode(), blocked.get());
        }
        String route = "reads through the management network of ESXi host " + disk.vm().host().name()
                + (encrypted ? ", encrypted (NBDSSL)" : " (NBD)");
        List<TransportRestrictions.Fixed> fixed = restrictions.fixedOtherThanNetwork();
        if (fixed.isEmpty()) {
            return TransportStep.ok(mode(), "proxy " + proxy.name() + " " + route);
        }
        return new TransportStep(mode(), true, failover(restrictions, fixed, proxy, disk) + "; proxy " + proxy.name()
                + " " + route, true);
    }

    /**
     * "fixed mode virtual-appliance (set by the job) is unavailable (...); failing over to network, as the job
     * allows".
     */
    private static String failover(TransportRestrictions restrictions, List<TransportRestrictions.Fixed> fixed,
            ManagedServer proxy, DiskContext disk) {
        TransportRestrictions.Fixed first = fixed.get(0);
        Optional<String> why = restrictions.forbids(first.mode()).or(() -> unreachable(first.mode(), proxy, disk));
        List<String> allowedBy = fixed.stream().map(TransportRestrictions.Fixed::by).distinct().toList();
        return "fixed mode " + TransportRestrictions.id(first.mode()) + " (set by " + first.by() + ") is unavailable"
                + why.map(w -> " (" + w + ")").orElse("") + "; failing over to network, as "
                + String.join(" and ", allowedBy) + (allowedBy.size() == 1 ? " allows" : " allow");
    }

    /** Why a fixed mode cannot reach the disk, where that can be told without other services. */
    private static Optional<String> unreachable(TransportMode mode, ManagedServer proxy, DiskContext disk) {
        Reach reach = switch (mode) {
            case DIRECT_STORAGE_ACCESS -> DirectStorageAccessMode.reach(proxy, disk);
            case VIRTUAL_APPLIANCE -> VirtualApplianceMode.reach(proxy, disk);
            default -> Reach.yes("");
        };
        return reach.possible() ? Optional.empty() : Optional.of(reach.reason());
    }
}
