package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads point-in-time views with the real NBD tools (nbdcopy, nbdinfo) and looks into the
 * copied ext4 images with debugfs / e2fsck -n: nothing is ever mounted on the host.
 */
final class ViewImages {

    /** A dirty extent of a {@code qemu:dirty-bitmap:} meta context. */
    record Extent(long offset, long length) {
    }

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    private ViewImages() {
    }

    /** Copies the whole view into a sparse raw file. */
    static Path copy(DiskView view, Path file) {
        return copy(view.nbdUri(), file);
    }

    /** Copies the whole NBD export into a sparse raw file. */
    static Path copy(String nbdUri, Path file) {
        HostCommand.run(TOOL_TIMEOUT, "nbdcopy", nbdUri, file.toString()).requireSuccess();
        return file;
    }

    /** The dirty extents of an incremental view, from {@code nbdinfo --map=qemu:dirty-bitmap:NAME}. */
    static List<Extent> dirtyExtents(DiskView view) {
        String context = view.dirtyBitmapContext().orElseThrow(() -> new AssertionError("not an incremental view: " + view));
        return dirtyExtents(view.nbdUri(), context);
    }

    /** The dirty extents of a view of the point-in-time provider (which must have a bitmap). */
    static List<Extent> dirtyExtents(io.ferry.api.spi.DiskView view) {
        if (view.dirtyBitmap() == null) {
            throw new AssertionError("not an incremental view: " + view);
        }
        return dirtyExtents(view.location(), "qemu:dirty-bitmap:" + view.dirtyBitmap());
    }

    private static List<Extent> dirtyExtents(String nbdUri, String context) {
        String map = HostCommand.run(TOOL_TIMEOUT, "nbdinfo", "--map=" + context, nbdUri).requireSuccess().out();
        List<Extent> dirty = new ArrayList<>();
        for (String line : map.strip().split("\n")) {
            // "   1048576       65536    1  dirty"
            String[] f = line.strip().split("\\s+");
            if ((Long.parseLong(f[2]) & 1) != 0) {
                dirty.add(new Extent(Long.parseLong(f[0]), Long.parseLong(f[1])));
            }
        }
        return dirty;
    }

    static long bytes(List<Extent> extents) {
        return extents.stream().mapToLong(Extent::length).sum();
    }

    /** A copy of {@code base} with the {@code extents} taken from {@code source}: what an incremental reader builds. */
    static Path patch(Path base, List<Extent> extents, Path source, Path out) {
        try {
            Files.copy(base, out, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel in = FileChannel.open(source); FileChannel target = FileChannel.open(out, StandardOpenOption.WRITE)) {
                for (Extent e : extents) {
                    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(e.length()));
                    while (buffer.hasRemaining() && in.read(buffer, e.offset() + buffer.position()) >= 0) {
                        // read fully
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        target.write(buffer, e.offset() + buffer.position());
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file's content inside an ext4 image, read with debugfs; empty if there is no such file. */
    static Optional<byte[]> file(Path image, String path) {
        HostCommand.Result r = HostCommand.run(TOOL_TIMEOUT, "debugfs", "-R", "cat " + path, image.toString());
        if (r.exitCode() != 0 || r.stderr().contains("not found")) {
            return Optional.empty();
        }
        return Optional.of(r.stdout());
    }

    static String text(Path image, String path) {
        return new String(file(image, path).orElseThrow(() -> new AssertionError(path + " is not in " + image)),
                StandardCharsets.UTF_8);
    }

    /** e2fsck -fn (read-only) finds nothing to fix. */
    static void assertCleanExt4(Path image) {
        HostCommand.Result r = HostCommand.run(TOOL_TIMEOUT, "e2fsck", "-fn", image.toString());
        assertEquals(0, r.exitCode(), () -> "e2fsck -fn " + image + ":\n" + r.out() + r.stderr());
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** sha256sum of a file in the guest. */
    static String guestSha256(QemuVm vm, String path) {
        return vm.sh("sha256sum " + path).split("\\s+")[0];
    }
}
