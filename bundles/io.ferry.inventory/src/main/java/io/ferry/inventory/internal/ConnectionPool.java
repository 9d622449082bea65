package io.ferry.inventory.internal;

import io.ferry.api.FerryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A small bounded pool: at most {@code size} connections exist; idle ones are reused, a
 * connection that fails its validity check is replaced. Keeps an embedded H2 database
 * open between requests and spares PostgreSQL a login per call.
 */
final class ConnectionPool implements AutoCloseable {
    private static final long BORROW_TIMEOUT_SECONDS = 60;

    private final DataSource dataSource;
    private final SqlWork<?> prepare;
    private final BlockingQueue<Connection> idle;
    private final Semaphore permits;
    private volatile boolean closed;

    /** {@code prepare} runs once on every new connection (session settings), before its first use. */
    ConnectionPool(DataSource dataSource, int size, SqlWork<?> prepare) {
        this.dataSource = dataSource;
        this.prepare = prepare;
        this.idle = new ArrayBlockingQueue<>(size);
        this.permits = new Semaphore(size, true);
    }

    Connection borrow() throws SQLException {
        try {
            if (!permits.tryAcquire(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new FerryException("The inventory database is busy: no connection free after "
                        + BORROW_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("Interrupted while waiting for an inventory database connection", e);
        }
        try {
            if (closed) {
                throw new FerryException("The inventory database is shutting down");
            }
            Connection c;
            while ((c = idle.poll()) != null) {
                if (c.isValid(2)) {
                    return c;
                }
                closeQuietly(c);
            }
            c = dataSource.getConnection();
            try {
                prepare.run(c);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Returns a connection; {@code broken} ones (after an error the driver could not recover) are closed. */
    void release(Connection c, boolean broken) {
        try {
            if (broken || closed || !idle.offer(c)) {
                closeQuietly(c);
            }
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is being discarded; nothing left to do with it
        }
    }
}
