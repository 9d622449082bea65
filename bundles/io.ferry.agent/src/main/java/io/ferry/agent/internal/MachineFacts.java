package io.ferry.agent.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an agent reports about its machine, found best effort (an empty string when unknown). */
final class MachineFacts {
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?)");

    private MachineFacts() {
    }

    static String os() {
        return System.getProperty("os.name", "") + " " + System.getProperty("os.version", "") + " "
                + System.getProperty("os.arch", "");
    }

    /** {@code qemu-img --version}: "qemu-img version 7.2.15 (Debian ...)". */
    static String qemuVersion() {
        return versionFrom(List.of("qemu-img", "--version"), "qemu-img version");
    }

    /** {@code nbdinfo --version} prints "libnbd 1.14.2" on its second line. */
    static String libnbdVersion() {
        return versionFrom(List.of("nbdinfo", "--version"), "libnbd");
    }

    static long freeBytes(Path dir) {
        try {
            return dir == null ? 0 : Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String versionFrom(List<String> command, String linePrefix) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                out = buffer.toByteArray();
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(linePrefix)) {
                    Matcher m = VERSION.matcher(line.substring(linePrefix.length()));
                    return m.find() ? m.group(1) : "";
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
