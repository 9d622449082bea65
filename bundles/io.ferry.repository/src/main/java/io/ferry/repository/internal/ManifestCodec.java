package io.ferry.repository.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.ChunkId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plaintext of a manifest's two parts (see docs/repository-format.md, "Manifests"):
 * the header (the fields of {@link BackupInfo}) and the run-length chunk table. Big-endian;
 * a string is a 4-byte length and UTF-8 bytes.
 */
final class ManifestCodec {

    static final int ZERO_RUN = 0;
    static final int DATA_RUN = 1;
    private static final int MAX_STRING = 1 << 20;

    private ManifestCodec() {
    }

    static byte[] encodeHeader(BackupInfo info) {
        List<byte[]> strings = new ArrayList<>();
        strings.add(utf8(info.id()));
        strings.add(utf8(info.disk()));
        strings.add(utf8(info.source()));
        strings.add(utf8(info.parentId().orElse("")));
        strings.add(utf8(info.stats().changeTracking()));
        Map<String, String> labels = new TreeMap<>(info.labels());
        labels.forEach((k, v) -> {
            strings.add(utf8(k));
            strings.add(utf8(v));
        });
        int size = 8 + 4 + 2 * 12 + 7 * 8 + 4 + strings.stream().mapToInt(s -> 4 + s.length).sum();
        ByteBuffer out = ByteBuffer.allocate(size);
        putString(out, strings.get(0));
        putString(out, strings.get(1));
        putString(out, strings.get(2));
        out.putLong(info.size()).putInt(info.chunkSize());
        putInstant(out, info.started());
        putInstant(out, info.finished());
        putString(out, strings.get(3));
        BackupStats s = info.stats();
        out.putLong(s.readBytes()).putLong(s.dataBytes()).putLong(s.zeroBytes()).putLong(s.newChunks())
                .putLong(s.reusedChunks()).putLong(s.newBytes()).putLong(s.storedBytes());
        putString(out, strings.get(4));
        out.putInt(labels.size());
        for (int i = 5; i < strings.size(); i++) {
            putString(out, strings.get(i));
        }
        return out.array();
    }

    static BackupInfo decodeHeader(byte[] plain) throws IntegrityException {
        try {
            ByteBuffer in = ByteBuffer.wrap(plain);
            String id = getString(in);
            String disk = getString(in);
            String source = getString(in);
            long size = in.getLong();
            int chunkSize = in.getInt();
            Instant started = getInstant(in);
            Instant finished = getInstant(in);
            String parent = getString(in);
            BackupStats stats = new BackupStats(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(),
                    in.getLong(), in.getLong(), getString(in));
            int labelCount = in.getInt();
            if (labelCount < 0 || labelCount > plain.length / 8) {
                throw new IllegalArgumentException("bad label count " + labelCount);
            }
            Map<String, String> labels = new TreeMap<>();
            for (int i = 0; i < labelCount; i++) {
                labels.put(getString(in), getString(in));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the header");
            }
            if (size < 0 || chunkSize <= 0) {
                throw new IllegalArgumentException("bad size " + size + " or chunk size " + chunkSize);
            }
            return new BackupInfo(id, disk, source, size, chunkSize, started, finished,
                    parent.isEmpty() ? null : parent, stats, labels);
        } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
            throw IntegrityException.unreadable("malformed manifest header: " + e);
        }
    }

    static byte[] encodeTable(ChunkTable table) {
        long count = table.count();
        long size = 8;
        long i = 0;
        while (i < count) {
            boolean data = table.isData(i);
            long run = runLength(table, i, data);
            size += 5 + (data ? run * ChunkId.LENGTH : 0);
            i += run;
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("the chunk table of " + count + " chunks is too large for one manifest");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.putLong(count);
        i = 0;
        while (i < count) {
            boolean data = table.isData(i);
            int run = (int) runLength(table, i, data);
            out.put((byte) (data ? DATA_RUN : ZERO_RUN)).putInt(run);
            if (data) {
                for (int k = 0; k < run; k++) {
                    table.copyId(i + k, out.array(), out.position());
                    out.position(out.position() + ChunkId.LENGTH);
                }
            }
            i += run;
        }
        return out.array();
    }

    private static long runLength(ChunkTable table, long from, boolean data) {
        long end = Math.min(table.count(), from + Integer.MAX_VALUE);
        long i = from + 1;
        while (i < end && table.isData(i) == data) {
            i++;
        }
        return i - from;
    }

    static ChunkTable decodeTable(byte[] plain, long expectedCount) throws IntegrityException {
        try {
            ByteBuffer in = ByteBuffer.wrap(plain);
            long count = in.getLong();
            if (count != expectedCount) {
                throw new IllegalArgumentException("table has " + count + " chunks, header says " + expectedCount);
            }
            ChunkTable table = new ChunkTable(count);
            long i = 0;
            while (i < count) {
                int type = in.get();
                int run = in.getInt();
                if (run <= 0 || run > count - i || (type != ZERO_RUN && type != DATA_RUN)) {
                    throw new IllegalArgumentException("bad run " + type + "/" + run + " at chunk " + i);
                }
                if (type == DATA_RUN) {
                    if (in.remaining() < (long) run * ChunkId.LENGTH) {
                        throw new BufferUnderflowException();
                    }
                    for (int k = 0; k < run; k++) {
                        table.set(i + k, plain, in.position());
                        in.position(in.position() + ChunkId.LENGTH);
                    }
                }
                i += run;
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the table");
            }
            return table;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw IntegrityException.unreadable("malformed chunk table: " + e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, byte[] s) {
        out.putInt(s.length).put(s);
    }

    private static String getString(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > MAX_STRING || n > in.remaining()) {
            throw new IllegalArgumentException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void putInstant(ByteBuffer out, Instant t) {
        out.putLong(t.getEpochSecond()).putInt(t.getNano());
    }

    private static Instant getInstant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }
}
