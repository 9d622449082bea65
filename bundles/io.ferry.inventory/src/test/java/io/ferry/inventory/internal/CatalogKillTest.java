package io.ferry.inventory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, point 1: what the catalog acknowledged survives kill -9. A child JVM ({@link CatalogChild}) opens
 * the embedded H2 catalog through the real activation path and changes it in a loop, printing "ACK ..." after
 * every call that returned; this test kills it (SIGKILL, no shutdown hook, no close) at random moments, reopens
 * the same files and checks that every acknowledged change is there. The seed is printed: replay a failure
 * with -Dferry.kill.seed=N.
 */
class CatalogKillTest {
    private static final int TRIALS = 8;

    @Test
    void everyAcknowledgedChangeSurvivesKill9(@TempDir Path data) throws Exception {
        long seed = Long.getLong("ferry.kill.seed", System.nanoTime());
        System.out.println("CatalogKillTest seed " + seed + " (replay with -Dferry.kill.seed=" + seed + ")");
        Random random = new Random(seed);
        long lastVersion = 0;
        List<String> acknowledgedSessions = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            Path stderr = data.resolve("child-" + trial + ".err");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), CatalogChild.class.getName(),
                    data.toString()).redirectError(stderr.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            // Let it run for some acknowledged changes, then kill it at a random moment (0-400 ms later),
            // usually in the middle of a call.
            int acksBeforeKill = 1 + random.nextInt(40);
            long delayMillis = random.nextInt(400);
            int seen = 0;
            String line;
            List<String> lines = new ArrayList<>();
            while (seen < acksBeforeKill && (line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("ACK ")) {
                    seen++;
                }
            }
            assertEquals(acksBeforeKill, seen, "child ended early; stderr: " + Files.readString(stderr));
            Thread.sleep(delayMillis);
            child.toHandle().destroyForcibly(); // SIGKILL on Linux; unlike Process.destroyForcibly, keeps our pipe open
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child " + child.pid() + " did not end");
            // Whatever it printed before it died was acknowledged: read the pipe to its end.
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
            for (String l : lines) {
                if (l.startsWith("ACK server ")) {
                    lastVersion = Math.max(lastVersion, Long.parseLong(l.substring("ACK server ".length())));
                } else if (l.startsWith("ACK session ")) {
                    acknowledgedSessions.add(l.substring("ACK session ".length()));
                }
            }
            System.out.println("trial " + trial + ": killed " + delayMillis + " ms after ACK #" + acksBeforeKill
                    + "; acknowledged so far: server version " + lastVersion + ", "
                    + acknowledgedSessions.size() + " sessions");

            InventoryDatabase db = CatalogChild.open(data);
            try {
                long version = new JdbcInventoryService(db).backupServer().version();
                // One update may have been committed but not acknowledged when the kill came.
                assertTrue(version == lastVersion || version == lastVersion + 1, "trial " + trial + " (seed " + seed
                        + "): the backup server was acknowledged at version " + lastVersion
                        + " but the reopened catalog has version " + version);
                lastVersion = version;
                JdbcSessionStore sessions = new JdbcSessionStore(db);
                for (String id : acknowledgedSessions) {
                    Optional<Session> s = sessions.session(id);
                    assertTrue(s.isPresent(), "trial " + trial + " (seed " + seed + "): acknowledged session " + id
                            + " is missing after kill -9");
                    assertEquals(SessionStatus.SUCCESS, s.get().status(), "session " + id);
                }
            } finally {
                db.stop();
            }
        }
    }
}
