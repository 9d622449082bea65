package io.ferry.pki.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.ferry.pki} ({@code etc/io.ferry.pki.cfg}). */
@ObjectClassDefinition(name = "Ferry certificate authority",
        description = "The manager's CA, which issues the agents' certificates, and the manager endpoint's certificate")
@interface ManagerCaConfig {

    @AttributeDefinition(name = "Directory", description = "Where ca.key, ca.crt, manager.key and manager.crt are"
            + " kept (created 0700); empty for ${karaf.data}/ferry/ca")
    String directory() default "";

    @AttributeDefinition(name = "Subject alternative names", description = "Comma-separated DNS names and IP"
            + " addresses under which agents reach the manager, in addition to localhost, 127.0.0.1, ::1 and the"
            + " host name. A change re-issues the manager's certificate (the CA stays)")
    String subjectAltNames() default "";
}
