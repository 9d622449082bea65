package io.ferry.plugin.proxmox.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.TransportModeProvider;
import org.osgi.service.component.annotations.Component;

/**
 * The one way a general-purpose proxy reads a Proxmox VE disk: over NBD from the node, which
 * exports the disk (qemu-nbd / the node's NBD server). Every proxy can reach every node.
 */
@Component(service = TransportModeProvider.class)
public final class ProxmoxNbdMode implements TransportModeProvider {

    static final String MODE = "proxmox-nbd";

    @Override
    public Platform platform() {
        return Platform.PROXMOX;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public int preference() {
        return 10;
    }

    @Override
    public TransportStep evaluate(ManagedServer proxy, DiskContext disk) {
        return TransportStep.ok(MODE, "proxy " + proxy.name() + " reads disk " + disk.disk().label() + " of VM "
                + disk.vm().vm().name() + " over NBD from Proxmox VE node " + disk.vm().host().name());
    }
}
