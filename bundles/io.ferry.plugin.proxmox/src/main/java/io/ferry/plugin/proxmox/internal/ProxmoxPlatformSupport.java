package io.ferry.plugin.proxmox.internal;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.spi.PlatformSupport;
import org.osgi.service.component.annotations.Component;

/** Declares that this bundle serves Proxmox VE VMs through general-purpose backup proxies (seed 002). */
@Component(service = PlatformSupport.class)
public final class ProxmoxPlatformSupport implements PlatformSupport {

    @Override
    public Platform platform() {
        return Platform.PROXMOX;
    }

    @Override
    public String name() {
        return "Proxmox VE";
    }

    @Override
    public RoleType proxyRole() {
        return RoleType.GENERAL_PURPOSE_PROXY;
    }
}
