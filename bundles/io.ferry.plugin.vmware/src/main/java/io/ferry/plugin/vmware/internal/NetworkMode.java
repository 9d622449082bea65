package io.ferry.plugin.vmware.internal;

import io.ferry.api.spi.TransportModeProvider;
import org.osgi.service.component.annotations.Component;

/** Network mode without encryption (NBD), for proxies that do not encrypt network traffic (seed 003). */
@Component(service = TransportModeProvider.class)
public final class NetworkMode extends NetworkTransport {

    static final String MODE = "network";

    public NetworkMode() {
        super(false);
    }
}
