package io.ferry.inventory.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.ferry.inventory} ({@code etc/io.ferry.inventory.cfg}). */
@ObjectClassDefinition(name = "Ferry inventory database",
        description = "Where Ferry keeps its configuration database. Empty URL: embedded H2 under the Karaf data directory.")
@interface InventoryDatabaseConfig {

    @AttributeDefinition(name = "JDBC URL", description = "jdbc:h2:file:/path/inventory or"
            + " jdbc:postgresql://host:5432/ferry; empty for the embedded H2 default")
    String jdbc_url() default "";

    @AttributeDefinition(name = "User")
    String jdbc_user() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD)
    String jdbc_password() default "";

    @AttributeDefinition(name = "Pool size", description = "Open connections kept for concurrent requests")
    int pool_size() default 4;

    @AttributeDefinition(name = "Backup server name", description = "Name given to this machine when Ferry"
            + " registers it as the backup server on first start; empty for the host name")
    String backup_server_name() default "";
}
