package io.ferry.plugin.vmware.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.spi.PlatformSupport;
import org.osgi.service.component.annotations.Component;

/** Declares that this bundle serves VMware vSphere VMs through VMware backup proxies (seed 003). */
@Component(service = PlatformSupport.class)
public final class VmwarePlatformSupport implements PlatformSupport {

    @Override
    public Platform platform() {
        return Platform.VMWARE;
    }

    @Override
    public String name() {
        return "VMware vSphere";
    }

    @Override
    public RoleType proxyRole() {
        return RoleType.VMWARE_PROXY;
    }
}
