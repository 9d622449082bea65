package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Micro-benchmark of the chunk codec on one thread (no chunk files, no worker threads): for
 * every non-zero 4 MiB chunk of an image, streamed, the chunk id, seal (sample, LZ4, GCM) and
 * open (GCM, LZ4, id check), once with libcrypto and once with SunJCE (warmed up), plus GCM
 * alone and LZ4 alone. Prints CPU seconds of this thread per step for the whole image, and
 * what skipping LZ4 on chunks whose sample does not compress costs in size. Not a test; run
 * by bench/mover/micro/run.sh.
 *
 * usage: CodecMicro IMAGE [MAX_CHUNKS]
 */
public final class CodecMicro {

    private static final int CHUNK = 4 << 20;

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        int max = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
        MasterKeys keys = MasterKeys.fromMaterial(new byte[64]);
        LZ4Factory lz4 = LZ4Factory.fastestInstance();
        LZ4Compressor compressor = lz4.fastCompressor();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CipherWarmUp.run(CipherWarmUp.CALLS, new java.util.concurrent.atomic.AtomicBoolean());
        String[] names = {"libcrypto", "SunJCE"};
        ChunkCodec[] codecs = {
            new ChunkCodec(new OpenSslChunkCrypto(LibCrypto.get().orElseThrow(), keys), CHUNK, lz4, new SecureRandom()),
            new ChunkCodec(new JceChunkCrypto(keys), CHUNK, lz4, new SecureRandom())};
        ChunkCrypto[] raw = {new OpenSslChunkCrypto(LibCrypto.get().orElseThrow(), keys), new JceChunkCrypto(keys)};
        long[] tId = new long[2];
        long[] tSeal = new long[2];
        long[] tOpen = new long[2];
        long[] tGcm = new long[2];
        long tLz4All = 0;
        long lz4AllBytes = 0;
        long storedBytes = 0;
        long bytes = 0;
        int chunks = 0;
        ByteBuffer c = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer dst = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer sealed = ByteBuffer.allocateDirect(CHUNK + 16);
        ByteBuffer lz4Out = ByteBuffer.allocateDirect(compressor.maxCompressedLength(CHUNK));
        byte[] nonce = new byte[12];
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long off = 0; off < size && chunks < max; off += CHUNK) {
                c.clear();
                while (c.hasRemaining() && ch.read(c, off + c.position()) > 0) {
                    // read
                }
                c.flip();
                boolean zero = true;
                for (int i = 0; i < c.limit() && zero; i += 8) {
                    zero = c.getLong(i) == 0;
                }
                if (zero) {
                    continue;
                }
                chunks++;
                bytes += c.remaining();
                for (int k = 0; k < 2; k++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    ChunkId id = codecs[k].address(c);
                    long t1 = mx.getCurrentThreadCpuTime();
                    ChunkCodec.Sealed s = codecs[k].seal(id, c);
                    long t2 = mx.getCurrentThreadCpuTime();
                    dst.clear();
                    codecs[k].open(id, dst);
                    long t3 = mx.getCurrentThreadCpuTime();
                    java.nio.ByteBuffer.wrap(nonce).putInt(0, chunks);
                    raw[k].seal(nonce, new byte[12], new byte[32], c, sealed.clear());
                    long t4 = mx.getCurrentThreadCpuTime();
                    tId[k] += t1 - t0;
                    tSeal[k] += t2 - t1;
                    tOpen[k] += t3 - t2;
                    tGcm[k] += t4 - t3;
                    if (k == 0) {
                        storedBytes += s.length();
                    }
                }
                long t5 = mx.getCurrentThreadCpuTime();
                int n = compressor.compress(c, 0, c.remaining(), lz4Out, 0, lz4Out.capacity());
                tLz4All += mx.getCurrentThreadCpuTime() - t5;
                lz4AllBytes += Math.min(n, c.remaining()) + ChunkCodec.OVERHEAD;
            }
        }
        System.out.printf("image %s: %d non-zero chunks, %.0f MB; %d not compressed (sample); stored %.0f MB, with LZ4 on"
                + " every chunk %.0f MB (%+.2f %%)%n", image.getFileName(), chunks, bytes / 1e6,
                codecs[0].sampledOut(), storedBytes / 1e6, lz4AllBytes / 1e6, 100.0 * (storedBytes - lz4AllBytes) / lz4AllBytes);
        System.out.printf("LZ4 on every chunk (the old path): %.2f s CPU%n", tLz4All / 1e9);
        for (int k = 0; k < 2; k++) {
            System.out.printf("%-9s CPU s for the image: chunk id %.2f, seal %.2f (of it GCM alone %.2f), open %.2f;"
                    + " MB/s: id %.0f, seal %.0f, GCM %.0f, open %.0f%n", names[k], tId[k] / 1e9, tSeal[k] / 1e9,
                    tGcm[k] / 1e9, tOpen[k] / 1e9, bytes * 1e3 / tId[k], bytes * 1e3 / tSeal[k], bytes * 1e3 / tGcm[k],
                    bytes * 1e3 / tOpen[k]);
            codecs[k].close();
            raw[k].close();
        }
    }
}
