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

    @AttributeDefinition(name = "PostgreSQL TLS mode", description = "sslmode of the PostgreSQL driver: disable,"
            + " allow, prefer, require, verify-ca or verify-full; empty for the driver's default (prefer) or what"
            + " the URL says. Use verify-full when the database is on another machine")
    String jdbc_ssl_mode() default "";

    @AttributeDefinition(name = "PostgreSQL TLS root certificate", description = "File with the CA certificate(s)"
            + " that signed the server's certificate (sslrootcert), for verify-ca and verify-full")
    String jdbc_ssl_root_cert() default "";

    @AttributeDefinition(name = "PostgreSQL connect timeout (s)", description = "Deadline for opening a"
            + " connection and logging in")
    int jdbc_connect_timeout_seconds() default 10;

    @AttributeDefinition(name = "PostgreSQL socket timeout (s)", description = "Deadline for every answer from"
            + " the server; a hung server or a dropped network fails the call instead of hanging it")
    int jdbc_socket_timeout_seconds() default 120;
}
