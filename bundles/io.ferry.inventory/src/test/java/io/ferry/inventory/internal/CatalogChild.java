package io.ferry.inventory.internal;

import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.h2.util.OsgiDataSourceFactory;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * The catalog as Karaf runs it, in a JVM of its own: {@link InventoryDatabase} activated the way Declarative
 * Services does (H2's own {@link DataSourceFactory}, the embedded default URL under {@code karaf.data}),
 * with the real services on top. {@link #main} changes the catalog in a loop and prints {@code ACK ...}
 * after each call that returned, so a test that kills this JVM knows what the caller was told.
 */
final class CatalogChild {
    private CatalogChild() {
    }

    /** Opens the catalog under {@code karafData} exactly as the component does on activation. */
    static InventoryDatabase open(Path karafData) throws Exception {
        System.setProperty("karaf.data", karafData.toString());
        DataSourceFactory h2 = new OsgiDataSourceFactory(new org.h2.Driver());
        Map<String, Object> props = Map.of(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS, "org.h2.Driver");
        return new InventoryDatabase(TestConfig.defaults().withServerName("ferry-kill-test"),
                List.of(Map.entry(props, h2)));
    }

    /**
     * Args: karaf data directory. Alternately raises the backup server's version ("ACK server n" = the
     * server is at version n) and records a finished session ("ACK session id"), until killed.
     */
    public static void main(String[] args) throws Exception {
        InventoryDatabase db = open(Path.of(args[0]));
        JdbcInventoryService inventory = new JdbcInventoryService(db);
        JdbcSessionStore sessions = new JdbcSessionStore(db);
        System.out.println("READY");
        System.out.flush();
        for (long i = 0; ; i++) {
            ManagedServer self = inventory.backupServer();
            ServerSpec spec = self.spec().toBuilder().site("site-" + i).build();
            ManagedServer updated = inventory.updateServer(self.name(), self.version(), spec);
            System.out.println("ACK server " + updated.version());
            System.out.flush();
            String id = "s-" + ProcessHandle.current().pid() + "-" + i;
            Instant now = Instant.now();
            sessions.create(new Session(id, "nightly", "manual", null, SessionStatus.RUNNING, now, null, List.of(),
                    List.of(), ""));
            sessions.finish(id, SessionStatus.SUCCESS, now.plusSeconds(1), "done");
            System.out.println("ACK session " + id);
            System.out.flush();
        }
    }
}
