package io.ferry.repository.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Starts {@link SlowBackupMain} in another JVM with the test class path. */
final class ChildJvm {

    private ChildJvm() {
    }

    static Process start(Path dir, String mode, Path stderr) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), SlowBackupMain.class.getName(),
                dir.toString(), new String(TestRepositories.PASSWORD), mode)
                .redirectError(stderr.toFile()).start();
    }

    /** Reads the child's output until a line starting with {@code expected}, which it returns. */
    static String awaitLine(Process child, String expected, Path stderr) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(expected)) {
                return line;
            }
        }
        throw new AssertionError("child ended before printing '" + expected + "'; stderr: " + Files.readString(stderr));
    }

    static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child " + child.pid() + " did not end");
    }
}
