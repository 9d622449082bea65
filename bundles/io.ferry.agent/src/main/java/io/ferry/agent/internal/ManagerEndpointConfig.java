package io.ferry.agent.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Ferry agent endpoint (manager)",
        description = "Where the manager listens for its agents: enrollment and the mutual-TLS control channel")
public @interface ManagerEndpointConfig {

    @AttributeDefinition(description = "Address to listen on. Loopback by default: set the machine's address (or"
            + " 0.0.0.0) so that agents on other machines can reach the manager")
    String host() default ManagerEndpoint.Settings.DEFAULT_HOST;

    @AttributeDefinition(description = "TCP port (0: an ephemeral port, for tests)")
    int port() default ManagerEndpoint.Settings.DEFAULT_PORT;

    @AttributeDefinition(name = "advertised.address", description = "HOST:PORT that agents dial, as"
            + " ferry:agent-token prints it in the enrollment command; empty: host and the listening port")
    String advertised_address() default "";

    @AttributeDefinition(name = "heartbeat.seconds", description = "How often agents send a heartbeat")
    int heartbeat_seconds() default 10;

    @AttributeDefinition(name = "lease.seconds", description = "A connection without any message from its agent"
            + " for this long is closed (and its tasks' leases run out)")
    int lease_seconds() default 30;

    @AttributeDefinition(name = "certificate.days", description = "Validity of the agent certificates issued at"
            + " enrollment")
    int certificate_days() default 365;
}
