package io.ferry.inventory.internal;

import java.lang.annotation.Annotation;

/** An {@link InventoryDatabaseConfig} as Declarative Services would build it from etc/io.ferry.inventory.cfg. */
record TestConfig(String jdbc_url, String jdbc_user, String jdbc_password, int pool_size, String backup_server_name,
        String jdbc_ssl_mode, String jdbc_ssl_root_cert, int jdbc_connect_timeout_seconds,
        int jdbc_socket_timeout_seconds) implements InventoryDatabaseConfig {

    /** Nothing set in the cfg file (the metatype defaults). */
    static TestConfig defaults() {
        return new TestConfig("", "", "", 4, "", "", "", 10, 120);
    }

    TestConfig withUrl(String url, String user, String password) {
        return new TestConfig(url, user, password, pool_size, backup_server_name, jdbc_ssl_mode, jdbc_ssl_root_cert,
                jdbc_connect_timeout_seconds, jdbc_socket_timeout_seconds);
    }

    TestConfig withServerName(String name) {
        return new TestConfig(jdbc_url, jdbc_user, jdbc_password, pool_size, name, jdbc_ssl_mode, jdbc_ssl_root_cert,
                jdbc_connect_timeout_seconds, jdbc_socket_timeout_seconds);
    }

    TestConfig withSsl(String mode, String rootCert) {
        return new TestConfig(jdbc_url, jdbc_user, jdbc_password, pool_size, backup_server_name, mode, rootCert,
                jdbc_connect_timeout_seconds, jdbc_socket_timeout_seconds);
    }

    TestConfig withTimeouts(int connect, int socket) {
        return new TestConfig(jdbc_url, jdbc_user, jdbc_password, pool_size, backup_server_name, jdbc_ssl_mode,
                jdbc_ssl_root_cert, connect, socket);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return InventoryDatabaseConfig.class;
    }
}
