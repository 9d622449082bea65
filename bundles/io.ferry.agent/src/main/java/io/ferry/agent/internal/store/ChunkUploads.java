package io.ferry.agent.internal.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.ferry.agent.protocol.v1.PutChunkRequest;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store side's reading of {@code PutChunk} requests: the chunk image goes from gRPC's
 * network buffers straight into an aligned direct buffer (one copy), which the repository
 * writes to its temp file with O_DIRECT as it is. Protobuf's own parsing of a message over
 * 4 MiB copied the image three times (gRPC's buffers into a stream buffer, those into one
 * array, that array into the store's aligned buffer) and allocated two 4 MiB arrays per chunk;
 * on a repository agent that was about a sixth of its CPU receiving a backup.
 *
 * <p>The wire format is unchanged: the other fields of the request are parsed by protobuf
 * (unknown fields kept), only field 4 ({@code image}) is read here. The buffers come from a
 * small pool (at most 16 idle, 64 MiB of direct memory) and go back when the store has
 * answered.
 */
final class ChunkUploads {

    /** Field number and wire type (length-delimited) of {@code PutChunkRequest.image}. */
    private static final int IMAGE_TAG = (PutChunkRequest.IMAGE_FIELD_NUMBER << 3) | 2;
    /** Alignment the repository writes with O_DIRECT from (DurableFiles.DIRECT_ALIGNMENT). */
    static final int ALIGNMENT = 4096;
    /** Pooled buffers hold a 4 MiB chunk's image with its header, tag and padding; larger ones are not pooled. */
    static final int POOLED_CAPACITY = (4 << 20) + 2 * ALIGNMENT;
    private static final int MAX_IDLE = 16;

    private ChunkUploads() {
    }

    /** A {@code PutChunk} request as received: its small fields, and its image in {@code image}. */
    record Received(PutChunkRequest fields, ByteBuffer image) {
    }

    private static final ConcurrentLinkedDeque<ByteBuffer> IDLE = new ConcurrentLinkedDeque<>();
    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();

    /**
     * An aligned direct buffer with room for {@code length} bytes rounded up to the alignment;
     * for a larger image (a repository with chunks over 4 MiB) a heap buffer, which the store
     * copies into its own aligned buffer as before (a direct buffer per call would be freed
     * only by the garbage collector).
     */
    static ByteBuffer borrow(int length) {
        int padded = (length + ALIGNMENT - 1) & -ALIGNMENT;
        if (padded > POOLED_CAPACITY) {
            return ByteBuffer.allocate(length);
        }
        ByteBuffer b = IDLE.pollFirst();
        if (b != null) {
            IDLE_COUNT.decrementAndGet();
            return b.clear();
        }
        // exactly POOLED_CAPACITY bytes, however the allocation was aligned (release() counts on it)
        return ByteBuffer.allocateDirect(POOLED_CAPACITY + ALIGNMENT).alignedSlice(ALIGNMENT)
                .limit(POOLED_CAPACITY).slice();
    }

    /** Gives a buffer of {@link #borrow} back; it must not be used any more. */
    static void release(ByteBuffer b) {
        if (b != null && b.isDirect() && b.capacity() == POOLED_CAPACITY && IDLE_COUNT.get() < MAX_IDLE) {
            IDLE_COUNT.incrementAndGet();
            IDLE.addFirst(b);
        }
    }

    /** gRPC's method descriptor for {@code PutChunk} with this reading of requests. */
    static MethodDescriptor<Received, io.ferry.agent.protocol.v1.Done> method() {
        MethodDescriptor<PutChunkRequest, io.ferry.agent.protocol.v1.Done> generated =
                io.ferry.agent.protocol.v1.RepositoryStoreGrpc.getPutChunkMethod();
        return generated.toBuilder(new Marshaller(), generated.getResponseMarshaller()).build();
    }

    static final class Marshaller implements MethodDescriptor.Marshaller<Received> {

        @Override
        public InputStream stream(Received value) {
            // not used by the server (it only reads requests); complete for tests and clients
            PutChunkRequest request = value.fields().toBuilder()
                    .setImage(UnsafeByteOperations.unsafeWrap(value.image().duplicate())).build();
            return new ByteArrayInputStream(request.toByteArray());
        }

        @Override
        public Received parse(InputStream stream) {
            try {
                return read(stream);
            } catch (IOException e) {
                throw io.grpc.Status.INTERNAL.withDescription("cannot read a PutChunk request: " + e.getMessage())
                        .withCause(e).asRuntimeException();
            }
        }
    }

    /** Reads a serialized {@code PutChunkRequest}: every field but the image through protobuf. */
    static Received read(InputStream in) throws IOException {
        ByteArrayOutputStream others = new ByteArrayOutputStream(256);
        ByteBuffer image = null;
        try {
            int tag;
            while ((tag = readVarint32(in, true)) != -1) {
                if (tag == IMAGE_TAG) {
                    int length = readVarint32(in, false);
                    if (length < 0 || length > GrpcStoreLink.MAX_MESSAGE_BYTES
                            || in instanceof KnownLength && length > in.available()) {
                        throw new InvalidProtocolBufferException("the chunk image of a PutChunk request claims "
                                + length + " bytes, more than the request holds");
                    }
                    release(image); // a repeated field: the last one counts, as in protobuf
                    image = borrow(length);
                    image.limit(length);
                    readFully(in, image);
                    image.flip();
                    continue;
                }
                writeVarint32(others, tag);
                copyField(in, others, tag);
            }
            PutChunkRequest fields = PutChunkRequest.parseFrom(others.toByteArray());
            if (image == null) {
                image = ByteBuffer.allocate(0); // an empty image: the store refuses it with its own message
            }
            return new Received(fields, image);
        } catch (IOException | RuntimeException e) {
            release(image);
            throw e;
        } finally {
            in.close();
        }
    }

    /** Copies the rest of one field (after its tag) to {@code out}, by its wire type. */
    private static void copyField(InputStream in, ByteArrayOutputStream out, int tag) throws IOException {
        switch (tag & 7) {
            case 0 -> writeVarint64(out, readVarint64(in));
            case 1 -> out.write(readExactly(in, 8));
            case 2 -> {
                int length = readVarint32(in, false);
                if (length < 0 || length > (1 << 20)) {
                    throw new InvalidProtocolBufferException("field " + (tag >>> 3) + " of a PutChunk request has "
                            + length + " bytes, more than a small field may have");
                }
                writeVarint32(out, length);
                out.write(readExactly(in, length));
            }
            case 5 -> out.write(readExactly(in, 4));
            default -> throw new InvalidProtocolBufferException("wire type " + (tag & 7) + " in a PutChunk request");
        }
    }

    /** Fills {@code target} to its limit from {@code in}: from gRPC's buffers without an array in between. */
    private static void readFully(InputStream in, ByteBuffer target) throws IOException {
        if (in instanceof HasByteBuffer h && h.byteBufferSupported()) {
            while (target.hasRemaining()) {
                ByteBuffer source = h.getByteBuffer();
                if (source == null || !source.hasRemaining()) {
                    break; // the rest (if any) through read()
                }
                int n = Math.min(source.remaining(), target.remaining());
                target.put(source.limit(source.position() + n));
                long skipped = in.skip(n);
                if (skipped != n) {
                    throw new IOException("skipped " + skipped + " of " + n + " bytes");
                }
            }
        }
        byte[] scratch = null;
        while (target.hasRemaining()) {
            if (scratch == null) {
                scratch = new byte[Math.min(64 << 10, target.remaining())];
            }
            int n = in.read(scratch, 0, Math.min(scratch.length, target.remaining()));
            if (n < 0) {
                throw new InvalidProtocolBufferException("a PutChunk request ends inside its chunk image");
            }
            target.put(scratch, 0, n);
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new InvalidProtocolBufferException("a PutChunk request ends inside a field");
        }
        return b;
    }

    /** A varint of at most 32 bits; -1 at the end of the stream when {@code endOk}. */
    private static int readVarint32(InputStream in, boolean endOk) throws IOException {
        long v = readVarint64(in, endOk);
        if (v == -1 && endOk) {
            return -1;
        }
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new InvalidProtocolBufferException("a varint of a PutChunk request is out of range");
        }
        return (int) v;
    }

    private static long readVarint64(InputStream in) throws IOException {
        return readVarint64(in, false);
    }

    private static long readVarint64(InputStream in, boolean endOk) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                if (shift == 0 && endOk) {
                    return -1;
                }
                throw new InvalidProtocolBufferException("a PutChunk request ends inside a varint");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new InvalidProtocolBufferException("malformed varint in a PutChunk request");
    }

    private static void writeVarint32(ByteArrayOutputStream out, int value) {
        writeVarint64(out, value & 0xFFFFFFFFL);
    }

    private static void writeVarint64(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
