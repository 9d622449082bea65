package io.ferry.plugin.hyperv.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.spi.DiskContext;
import io.ferry.api.spi.PlatformSupport;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Declares that this bundle serves Microsoft Hyper-V VMs through off-host backup proxies
 * (seed 004). When no off-host proxy qualifies for a disk (a VHD Set VM never qualifies) and
 * the job allows it, the host itself backs the disk up on-host: the work goes to the host's
 * managed server (or, if it names none, to a server of the host's name) with a
 * {@code hyperv-on-host} step marked as a fallback. A host that is neither gets an unavailable
 * step saying exactly what to declare (see {@link OnHostServer}).
 */
@Component(service = PlatformSupport.class)
public final class HypervPlatformSupport implements PlatformSupport {

    static final String ON_HOST_MODE = "hyperv-on-host";

    @Override
    public Platform platform() {
        return Platform.HYPERV;
    }

    @Override
    public String name() {
        return "Microsoft Hyper-V";
    }

    @Override
    public RoleType proxyRole() {
        return RoleType.HYPERV_OFFHOST_PROXY;
    }

    @Override
    public Optional<Fallback> noProxyFallback(DiskContext disk) {
        if (!disk.vm().job().onHostFallback()) {
            return Optional.empty();
        }
        PlatformHost host = disk.vm().host();
        String cause = disk.vm().vm().spec().vhdSet()
                ? "VM " + disk.vm().vm().name() + " uses VHD Sets, which are never backed up off-host"
                : "no off-host backup proxy can read " + HypervTopology.describe(disk);
        Optional<ManagedServer> managed = OnHostServer.of(host, disk.vm().inventory());
        if (managed.isEmpty()) {
            return Optional.of(new Fallback(host.name(), new TransportStep(ON_HOST_MODE, false, cause + "; "
                    + OnHostServer.notAManagedServer(host), true)));
        }
        String server = managed.get().name();
        String on = "Hyper-V host " + host.name()
                + (server.equalsIgnoreCase(host.name()) ? "" : " (server " + server + ")");
        return Optional.of(new Fallback(server, new TransportStep(ON_HOST_MODE, true, cause + "; backing up on-host on "
                + on + ", as the job allows on-host backup", true)));
    }
}
