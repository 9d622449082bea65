package io.ferry.inventory.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done inside one inventory transaction. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
