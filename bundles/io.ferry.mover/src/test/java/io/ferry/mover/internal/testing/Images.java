package io.ferry.mover.internal.testing;

import io.ferry.api.mover.Extent;
import io.ferry.api.mover.ExtentType;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test disk images with known, reproducible content, in every format the platforms use.
 *
 * <p>{@link #raw(Path)} writes {@link #SIZE} bytes following {@link #LAYOUT}: seeded random
 * data, compressible log-like text, a range of zeros that is written (allocated), a 4 MiB
 * chunk that repeats the first one (dedupe), and real holes (never written) between them.
 * Nothing lines up with 4 MiB chunks, and the size is not a multiple of 4 KiB. It is a
 * multiple of 512 so that qcow2 / vmdk / vhdx copies ({@link #convert}) keep exactly the
 * same virtual size and therefore the same sha256 as the raw file.
 *
 * <p>Dirty bitmaps: {@link #addBitmap}, {@link #qemuIoWrite}, {@link #disableBitmap} (or
 * everything at once with {@link #withDirtyBitmap}) record changes in a qcow2 the way a
 * running VM would; {@link #applyToRaw} makes the matching raw image and
 * {@link #dirtyRanges} the ranges the bitmap must report.
 */
public final class Images {

    public static final int KIB = 1024;
    public static final int MIB = 1024 * 1024;
    /** 40 MiB + 12800 bytes. */
    public static final long SIZE = 40L * MIB + 12800;
    /** qemu's default dirty-bitmap granularity for qcow2 (= the cluster size). */
    public static final long BITMAP_GRANULARITY = 64 * KIB;

    /** What a written region holds. */
    public enum Content {
        /** Seeded random bytes (incompressible). */
        RANDOM,
        /** Seeded log-like text (compresses well). */
        TEXT,
        /** Zeros that are written, so allocated: DATA in the raw file, zero-detected by qemu-img convert. */
        ZEROS,
        /** A copy of the image's first 4 MiB (a duplicate chunk when it starts on a 4 MiB boundary). */
        COPY_OF_START
    }

    /** A written range of the raw image. */
    public record Region(long offset, long length, Content content) {
        public long end() {
            return offset + length;
        }
    }

    /** Everything that is written; the rest of the image is holes. */
    public static final List<Region> LAYOUT = List.of(
            new Region(0, 5L * MIB + 4321, Content.RANDOM),
            new Region(5L * MIB + 4321, 4L * MIB + 100 - 4321, Content.TEXT),
            // hole [9 MiB + 100, 16 MiB)
            new Region(16L * MIB, 4L * MIB + 512, Content.ZEROS),
            new Region(20L * MIB + 512, 2L * MIB - 512, Content.RANDOM),
            // hole [22 MiB, 29 MiB + 3000)
            new Region(29L * MIB + 3000, 2L * MIB - 3000, Content.TEXT),
            // hole [31 MiB, 32 MiB)
            new Region(32L * MIB, 4L * MIB, Content.COPY_OF_START),
            // hole [36 MiB, 40 MiB + 4096)
            new Region(40L * MIB + 4096, SIZE - 40L * MIB - 4096, Content.RANDOM));

    /** Ranges that every format reports as holes or zeros (the holes of the layout, shrunk to whole MiBs). */
    public static final List<Extent> CERTAIN_HOLES = List.of(
            new Extent(10L * MIB, 6L * MIB, ExtentType.HOLE),
            new Extent(23L * MIB, 6L * MIB, ExtentType.HOLE),
            new Extent(37L * MIB, 3L * MIB, ExtentType.HOLE));

    /** A write done to a disk: {@code length} bytes of {@code pattern} at {@code offset} (as {@code qemu-io write -P}). */
    public record Write(long offset, int length, int pattern) {
    }

    /** Writes that touch data, holes, and a 4 MiB chunk boundary; see {@link #dirtyRanges}. */
    public static final List<Write> SAMPLE_WRITES = List.of(
            new Write(100_000, 5000, 0xab),
            new Write(8L * MIB - 10_000, 20_000, 0xcd),
            new Write(24L * MIB, 200 * KIB, 0xef));

    private static final long SEED = 20261123L;

    private Images() {
    }

    /** Writes the {@link #LAYOUT} image to {@code file} (which must not exist) and returns it. */
    public static Path raw(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            sparse(file, SIZE);
            for (Region region : LAYOUT) {
                write(channel, region);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write test image " + file, e);
        }
    }

    /** Sets the size of an existing file without allocating anything (FileChannel.truncate only shrinks). */
    public static void sparse(Path file, long size) throws IOException {
        try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
            access.setLength(size);
        }
    }

    private static void write(FileChannel channel, Region region) throws IOException {
        byte[] bytes = switch (region.content()) {
            case RANDOM -> random(region);
            case TEXT -> text(region);
            case ZEROS -> new byte[Math.toIntExact(region.length())];
            case COPY_OF_START -> {
                ByteBuffer start = ByteBuffer.allocate(Math.toIntExact(region.length()));
                channel.read(start, 0);
                yield start.array();
            }
        };
        channel.write(ByteBuffer.wrap(bytes), region.offset());
    }

    private static byte[] random(Region region) {
        byte[] bytes = new byte[Math.toIntExact(region.length())];
        new Random(SEED ^ region.offset()).nextBytes(bytes);
        return bytes;
    }

    private static byte[] text(Region region) {
        String[] hosts = {"web01", "web02", "db01", "cache03", "proxy-a"};
        String[] services = {"sshd", "nginx", "postgres", "cron", "kernel", "systemd"};
        String[] words = {"accepted", "connection", "from", "closed", "user", "session", "opened", "request",
            "GET", "/api/v1/items", "200", "404", "timeout", "retrying", "backup", "completed", "in", "ms"};
        Random random = new Random(SEED ^ region.offset());
        int length = Math.toIntExact(region.length());
        StringBuilder text = new StringBuilder(length + 200);
        long time = 1_795_000_000L;
        while (text.length() < length) {
            time += random.nextInt(3);
            text.append(time).append(' ').append(hosts[random.nextInt(hosts.length)]).append(' ')
                    .append(services[random.nextInt(services.length)]).append('[').append(1000 + random.nextInt(9000))
                    .append("]:");
            for (int i = 3 + random.nextInt(8); i > 0; i--) {
                text.append(' ').append(words[random.nextInt(words.length)]);
            }
            text.append('\n');
        }
        return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), length);
    }

    /**
     * Converts a raw image with {@code qemu-img convert}: {@code qcow2}, {@code vmdk}
     * (monolithicSparse), {@code vhdx} (dynamic, 1 MiB blocks so allocation is visible),
     * or {@code raw}. qemu-img leaves zero-filled ranges unallocated.
     */
    public static Path convert(Path raw, String format, Path out) {
        List<String> command = new ArrayList<>(List.of("qemu-img", "convert", "-q", "-f", "raw", "-O", format));
        switch (format) {
            case "vmdk" -> command.addAll(List.of("-o", "subformat=monolithicSparse"));
            case "vhdx" -> command.addAll(List.of("-o", "subformat=dynamic,block_size=1M"));
            case "qcow2", "raw" -> {
            }
            default -> throw new IllegalArgumentException("unsupported test image format " + format);
        }
        command.add(raw.toString());
        command.add(out.toString());
        Tools.run(command.toArray(String[]::new));
        return out;
    }

    /** A new empty qcow2 of {@code size} bytes (a restore target). */
    public static Path emptyQcow2(Path out, long size) {
        Tools.run("qemu-img", "create", "-q", "-f", "qcow2", out.toString(), Long.toString(size));
        return out;
    }

    /** Adds an enabled persistent dirty bitmap ({@code qemu-img bitmap --add}, granularity {@link #BITMAP_GRANULARITY}). */
    public static void addBitmap(Path qcow2, String name) {
        Tools.run("qemu-img", "bitmap", "--add", "-g", Long.toString(BITMAP_GRANULARITY), "-f", "qcow2",
                qcow2.toString(), name);
    }

    /** Disables a bitmap so it stops recording; QEMU exports only disabled bitmaps read-only. */
    public static void disableBitmap(Path qcow2, String name) {
        Tools.run("qemu-img", "bitmap", "--disable", "-f", "qcow2", qcow2.toString(), name);
    }

    /** Writes to the qcow2 through QEMU's block layer ({@code qemu-io write -P}), so enabled bitmaps record it. */
    public static void qemuIoWrite(Path qcow2, Write write) {
        Tools.run("qemu-io", "-f", "qcow2", "-c",
                "write -P 0x" + Integer.toHexString(write.pattern()) + " " + write.offset() + " " + write.length(),
                qcow2.toString());
    }

    /** The same write on a raw image. */
    public static void applyToRaw(Path raw, Write write) {
        byte[] bytes = new byte[write.length()];
        Arrays.fill(bytes, (byte) write.pattern());
        try (FileChannel channel = FileChannel.open(raw, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), write.offset());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + raw, e);
        }
    }

    /**
     * A qcow2 copy of {@code raw} with dirty bitmap {@code bitmap} that recorded {@code writes},
     * then disabled (ready for {@code qemu-nbd -r -B bitmap}), plus the matching raw image.
     */
    public record BitmapImage(Path qcow2, Path modifiedRaw, String bitmap, List<Write> writes) {
        /** What {@code DiskSource.changed(0, SIZE)} must return. */
        public List<Extent> expectedChanges() {
            return dirtyRanges(writes, BITMAP_GRANULARITY, SIZE);
        }
    }

    public static BitmapImage withDirtyBitmap(Path raw, Path dir, String bitmap, List<Write> writes) {
        Path qcow2 = convert(raw, "qcow2", dir.resolve("dirty.qcow2"));
        addBitmap(qcow2, bitmap);
        Path modified = dir.resolve("dirty-expected.raw");
        try {
            Files.copy(raw, modified);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + raw, e);
        }
        for (Write write : writes) {
            qemuIoWrite(qcow2, write);
            applyToRaw(modified, write);
        }
        disableBitmap(qcow2, bitmap);
        return new BitmapImage(qcow2, modified, bitmap, writes);
    }

    /** The writes rounded out to {@code granularity}, merged, clipped to {@code size}: a dirty bitmap's view. */
    public static List<Extent> dirtyRanges(List<Write> writes, long granularity, long size) {
        List<long[]> ranges = new ArrayList<>();
        for (Write write : writes) {
            long from = write.offset() / granularity * granularity;
            long to = Math.min(size, (write.offset() + write.length() + granularity - 1) / granularity * granularity);
            ranges.add(new long[] {from, to});
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Extent> merged = new ArrayList<>();
        long from = -1;
        long to = -1;
        for (long[] range : ranges) {
            if (range[0] <= to) {
                to = Math.max(to, range[1]);
                continue;
            }
            if (from >= 0) {
                merged.add(new Extent(from, to - from, ExtentType.DATA));
            }
            from = range[0];
            to = range[1];
        }
        if (from >= 0) {
            merged.add(new Extent(from, to - from, ExtentType.DATA));
        }
        return merged;
    }

    /**
     * The extents SEEK_DATA/SEEK_HOLE must report for the raw {@link #LAYOUT} image on a file
     * system with {@code blockSize} blocks: written regions rounded out to blocks are DATA.
     */
    public static List<Extent> rawExtents(long blockSize) {
        List<Extent> extents = new ArrayList<>();
        long position = 0;
        for (Region region : LAYOUT) {
            long from = region.offset() / blockSize * blockSize;
            long to = Math.min(SIZE, (region.end() + blockSize - 1) / blockSize * blockSize);
            if (from > position) {
                extents.add(new Extent(position, from - position, ExtentType.HOLE));
            } else if (!extents.isEmpty() && extents.get(extents.size() - 1).type() == ExtentType.DATA) {
                Extent last = extents.remove(extents.size() - 1);
                from = last.offset();
            }
            extents.add(new Extent(from, to - from, ExtentType.DATA));
            position = to;
        }
        if (position < SIZE) {
            extents.add(new Extent(position, SIZE - position, ExtentType.HOLE));
        }
        return extents;
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes allocated on disk ({@code st_blocks * 512}, from {@code stat}). */
    public static long allocatedBytes(Path file) {
        String[] blocksAndUnit = Tools.run("stat", "-c", "%b %B", file.toString()).strip().split(" ");
        return Long.parseLong(blocksAndUnit[0]) * Long.parseLong(blocksAndUnit[1]);
    }

    /** The virtual size qemu-img reports for an image. */
    public static long virtualSize(Path image, String format) {
        String json = Tools.run("qemu-img", "info", "--output=json", "-f", format, image.toString());
        Matcher matcher = Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no virtual-size in qemu-img info of " + image + ": " + json);
        }
        return Long.parseLong(matcher.group(1));
    }
}
