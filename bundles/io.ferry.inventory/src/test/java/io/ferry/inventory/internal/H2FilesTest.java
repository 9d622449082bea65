package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 point 3: the embedded catalog's files are 0600 in a 0700 directory. */
class H2FilesTest {

    @TempDir
    Path tmp;

    @Test
    void theCatalogFilesOfARealH2DatabaseAreOwnerOnly() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("data/ferry/inventory") + ";TRACE_LEVEL_FILE=1";
        H2Files.ownerOnlyDirectory(url);
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        try (Connection c = ds.getConnection()) {
            c.createStatement().execute("CREATE TABLE t (x INT)");
            H2Files.ownerOnlyFiles(url);
            List<Path> files;
            try (Stream<Path> s = Files.list(tmp.resolve("data/ferry"))) {
                files = s.toList();
            }
            assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("inventory.mv.db")), files.toString());
            for (Path f : files) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        assertEquals("rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("data/ferry"))));
    }

    @Test
    void serverAndMemoryDatabasesAreLeftAlone() {
        assertEquals(Optional.empty(), H2Files.base("jdbc:postgresql://127.0.0.1/ferry"));
        assertEquals(Optional.empty(), H2Files.base("jdbc:h2:mem:x"));
        assertEquals(Optional.empty(), H2Files.base("jdbc:h2:tcp://localhost/x"));
        assertEquals(Optional.of(Path.of("/srv/ferry/inventory")), H2Files.base("jdbc:h2:/srv/ferry/inventory;MODE=x"));
    }
}
