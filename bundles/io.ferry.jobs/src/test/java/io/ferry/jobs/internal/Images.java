package io.ferry.jobs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Small test disk images with reproducible content, and the tools to handle them (qemu-img, sha256). */
final class Images {

    static final int MIB = 1 << 20;

    private Images() {
    }

    /**
     * A sparse raw image of {@code size} bytes: random data in the first quarter, compressible
     * text in the middle eighth, random data in the last 300 KB, holes elsewhere.
     */
    static Path raw(Path file, long size, long seed) {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(size);
            Random random = new Random(seed);
            byte[] data = new byte[(int) (size / 4)];
            random.nextBytes(data);
            out.seek(0);
            out.write(data);
            StringBuilder text = new StringBuilder();
            while (text.length() < size / 8) {
                text.append("2026-11-23 backup ").append(seed).append(" line ").append(text.length()).append('\n');
            }
            out.seek(size / 2);
            out.write(text.substring(0, (int) (size / 8)).getBytes(StandardCharsets.US_ASCII));
            byte[] tail = new byte[300_000];
            random.nextBytes(tail);
            out.seek(size - tail.length);
            out.write(tail);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write test image " + file, e);
        }
    }

    /** Overwrites {@code length} bytes at {@code offset} with random bytes from {@code seed}. */
    static void scribble(Path file, long offset, int length, long seed) {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] data = new byte[length];
            new Random(seed).nextBytes(data);
            out.seek(offset);
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to test image " + file, e);
        }
    }

    /** {@code qemu-img convert} of a raw image to {@code format}. */
    static Path convert(Path raw, String format, Path target) {
        return convert(raw, "raw", format, target);
    }

    static Path convert(Path source, String from, String to, Path target) {
        run("qemu-img", "convert", "-q", "-f", from, "-O", to, source.toString(), target.toString());
        return target;
    }

    /** Writes {@code length} bytes of {@code pattern} at {@code offset} with qemu-io, as a guest would. */
    static void qemuIoWrite(Path qcow2, long offset, int length, int pattern) {
        run("qemu-io", "-f", "qcow2", "-c", "write -P " + pattern + " " + offset + " " + length, qcow2.toString());
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a tool (qemu-img, qemu-io, ...); fails with its output unless it exits 0. */
    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (apt-get install qemu-utils): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
