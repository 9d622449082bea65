package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;

/**
 * Micro-benchmark of one chunk codec on one thread (no files, no threads): chunk id, seal
 * (sample + LZ4 + GCM) and open (GCM + LZ4 + id check) over the non-zero 4 MiB chunks of an
 * image, once through libcrypto and once through SunJCE. Prints MB/s of plaintext per CPU
 * second of this thread. Not a test; run by bench/mover/micro/run.sh.
 *
 * usage: CodecMicro IMAGE MAX_CHUNKS ROUNDS
 */
public final class CodecMicro {

    private static final int CHUNK = 4 << 20;

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        int maxChunks = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        List<ByteBuffer> chunks = load(image, maxChunks);
        long bytes = chunks.stream().mapToLong(ByteBuffer::remaining).sum();
        MasterKeys keys = MasterKeys.fromMaterial(new byte[64]);
        LZ4Factory lz4 = LZ4Factory.fastestInstance();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("image %s: %d non-zero chunks, %d MiB%n", image.getFileName(), chunks.size(), bytes >> 20);
        for (int round = 0; round < rounds; round++) {
            for (String impl : new String[] {"libcrypto", "SunJCE"}) {
                ChunkCrypto crypto = impl.equals("libcrypto") ? new OpenSslChunkCrypto(LibCrypto.get().orElseThrow(), keys)
                        : new JceChunkCrypto(keys);
                if (impl.equals("SunJCE") && round == 0) {
                    CipherWarmUp.run(CipherWarmUp.CALLS, new java.util.concurrent.atomic.AtomicBoolean());
                }
                rawCrypto(crypto, chunks, bytes, mx, round);
                ChunkCodec codec = new ChunkCodec(crypto, CHUNK, lz4, new SecureRandom());
                ByteBuffer dst = ByteBuffer.allocateDirect(CHUNK);
                long tId = 0;
                long tSeal = 0;
                long tOpen = 0;
                long stored = 0;
                long skipped = codec.sampledOut();
                List<byte[]> files = new ArrayList<>();
                for (ByteBuffer c : chunks) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    ChunkId id = codec.address(c);
                    long t1 = mx.getCurrentThreadCpuTime();
                    ChunkCodec.Sealed s = codec.seal(id, c);
                    long t2 = mx.getCurrentThreadCpuTime();
                    stored += s.length();
                    ByteBuffer img = codec.image();
                    dst.clear();
                    long t3 = mx.getCurrentThreadCpuTime();
                    codec.open(id, dst);
                    long t4 = mx.getCurrentThreadCpuTime();
                    tId += t1 - t0;
                    tSeal += t2 - t1;
                    tOpen += t4 - t3;
                }
                System.out.printf("round %d %-9s id %6.0f MB/s  seal %6.0f MB/s  open %6.0f MB/s  (stored %d MiB, %d chunks not compressed by sample)%n",
                        round, impl, bytes * 1e3 / tId, bytes * 1e3 / tSeal, bytes * 1e3 / tOpen, stored >> 20,
                        codec.sampledOut() - skipped);
                codec.close();
            }
        }
    }

    /** GCM seal and open and the chunk id alone, on the same direct buffers. */
    private static void rawCrypto(ChunkCrypto crypto, List<ByteBuffer> chunks, long bytes, ThreadMXBean mx, int round)
            throws Exception {
        ByteBuffer sealed = ByteBuffer.allocateDirect(CHUNK + 16);
        ByteBuffer opened = ByteBuffer.allocateDirect(CHUNK);
        byte[] nonce = new byte[12];
        byte[] mac = new byte[32];
        long tMac = 0;
        long tSeal = 0;
        long tOpen = 0;
        int n = 0;
        for (ByteBuffer c : chunks) {
            java.nio.ByteBuffer.wrap(nonce).putInt(0, ++n).putInt(4, round);
            long t0 = mx.getCurrentThreadCpuTime();
            crypto.mac(c, mac);
            long t1 = mx.getCurrentThreadCpuTime();
            int len = crypto.seal(nonce, new byte[12], mac, c, sealed.clear());
            long t2 = mx.getCurrentThreadCpuTime();
            crypto.open(nonce, new byte[12], mac, sealed.limit(len), opened.clear());
            long t3 = mx.getCurrentThreadCpuTime();
            tMac += t1 - t0;
            tSeal += t2 - t1;
            tOpen += t3 - t2;
        }
        System.out.printf("round %d %-9s raw: HMAC-SHA256 %6.0f MB/s  GCM encrypt %6.0f MB/s  GCM decrypt %6.0f MB/s%n",
                round, crypto.name(), bytes * 1e3 / tMac, bytes * 1e3 / tSeal, bytes * 1e3 / tOpen);
    }

    private static List<ByteBuffer> load(Path image, int max) throws IOException {
        List<ByteBuffer> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long off = 0; off < size && out.size() < max; off += CHUNK) {
                ByteBuffer b = ByteBuffer.allocateDirect(CHUNK);
                while (b.hasRemaining() && ch.read(b, off + b.position()) > 0) {
                    // read
                }
                b.flip();
                boolean zero = true;
                for (int i = 0; i < b.limit() && zero; i += 8) {
                    zero = b.getLong(i) == 0;
                }
                if (!zero) {
                    out.add(b);
                }
            }
        }
        return out;
    }
}
