package io.ferry.plugin.vmware.internal;

import io.ferry.api.spi.TransportModeProvider;
import org.osgi.service.component.annotations.Component;

/** Network mode with encryption (NBDSSL), for proxies that encrypt network traffic (seed 003). */
@Component(service = TransportModeProvider.class)
public final class NetworkSslMode extends NetworkTransport {

    static final String MODE = "network-ssl";

    public NetworkSslMode() {
        super(true);
    }
}
