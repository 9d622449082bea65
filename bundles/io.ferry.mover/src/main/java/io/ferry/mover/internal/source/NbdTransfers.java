package io.ferry.mover.internal.source;

import io.ferry.mover.internal.nativeio.AlignedBuffer;
import io.ferry.mover.internal.nativeio.NbdHandle;
import io.ferry.mover.internal.nativeio.ScratchBuffers;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Moves a byte range between a Java buffer and an NBD export in requests of at most the
 * server's maximum size: straight from/to direct buffers, through a native scratch buffer
 * for heap buffers. Shared by {@link NbdDiskSource} (reads) and {@link NbdDiskTarget} (writes).
 */
final class NbdTransfers {

    private NbdTransfers() {
    }

    /** Reads {@code length} bytes at {@code offset} into {@code dst} from index {@code base}. */
    static void read(NbdHandle handle, ScratchBuffers scratch, long maxRequest, ByteBuffer dst, int base, long offset,
            int length) throws IOException {
        transfer(handle, scratch, maxRequest, dst, base, offset, length, false);
    }

    /** Writes {@code length} bytes of {@code src} from index {@code base} at {@code offset}. */
    static void write(NbdHandle handle, ScratchBuffers scratch, long maxRequest, ByteBuffer src, int base, long offset,
            int length) throws IOException {
        transfer(handle, scratch, maxRequest, src, base, offset, length, true);
    }

    private static void transfer(NbdHandle handle, ScratchBuffers scratch, long maxRequest, ByteBuffer data, int base,
            long offset, int length, boolean write) throws IOException {
        if (data.isDirect()) {
            long done = 0;
            while (done < length) {
                long piece = Math.min(length - done, maxRequest);
                if (write) {
                    handle.pwrite(FileDiskSource.pointerAt(data, base + (int) done), piece, offset + done);
                } else {
                    handle.pread(FileDiskSource.pointerAt(data, base + (int) done), piece, offset + done);
                }
                done += piece;
            }
            return;
        }
        AlignedBuffer buffer = scratch.acquire();
        try {
            ByteBuffer view = buffer.view();
            long done = 0;
            while (done < length) {
                int piece = (int) Math.min(Math.min(length - done, maxRequest), buffer.capacity());
                if (write) {
                    view.put(0, data, base + (int) done, piece);
                    handle.pwrite(buffer.pointer(), piece, offset + done);
                } else {
                    handle.pread(buffer.pointer(), piece, offset + done);
                    data.put(base + (int) done, view, 0, piece);
                }
                done += piece;
            }
        } finally {
            scratch.release(buffer);
        }
    }
}
