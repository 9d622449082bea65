package io.ferry.mover.internal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The external programs the native tests use, and a way to run them. They are a hard
 * requirement (CI installs {@code qemu-utils nbdkit libnbd0 libnbd-bin gnutls-bin}): a
 * missing one fails the test with the Debian package to install, it is not skipped.
 */
public final class Tools {

    private static final Map<String, String> PACKAGES = Map.of(
            "qemu-img", "qemu-utils",
            "qemu-nbd", "qemu-utils",
            "qemu-io", "qemu-utils",
            "nbdkit", "nbdkit",
            "nbdinfo", "libnbd-bin",
            "certtool", "gnutls-bin",
            "openssl", "openssl",
            "stat", "coreutils");

    private static final long TIMEOUT_SECONDS = 120;

    private Tools() {
    }

    /** The absolute path of {@code binary}, or an IllegalStateException naming the Debian package. */
    public static Path require(String binary) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/bin");
        dirs.add("/usr/sbin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(binary + " is not installed: the native disk tests need it (apt-get install "
                + PACKAGES.getOrDefault(binary, binary) + ")");
    }

    /**
     * Runs {@code command} (the first element is looked up with {@link #require}) and returns
     * its standard output; a non-zero exit or a timeout fails with the command and its output.
     */
    public static String run(String... command) {
        List<String> line = new ArrayList<>(List.of(command));
        line.set(0, require(command[0]).toString());
        try {
            Path output = Files.createTempFile("ferry-tool", ".out");
            Path errors = Files.createTempFile("ferry-tool", ".err");
            try {
                Process process = new ProcessBuilder(line).redirectOutput(output.toFile())
                        .redirectError(errors.toFile()).start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new IllegalStateException(String.join(" ", line) + " did not finish in " + TIMEOUT_SECONDS
                            + " s");
                }
                String out = Files.readString(output, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", line) + " failed with exit code "
                            + process.exitValue() + ":\n" + Files.readString(errors, StandardCharsets.UTF_8) + out);
                }
                return out;
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", line) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", line), e);
        }
    }
}
