package io.ferry.agent.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.ferry.agent.protocol.v1.PutChunkRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ChunkUploads}: a PutChunk request read the way protobuf reads it, the image into an aligned direct buffer. */
class ChunkUploadsTest {

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static PutChunkRequest request(byte[] image) {
        return PutChunkRequest.newBuilder().setRepository("repo-01").setSession("s-42").setId(ByteString.copyFrom(bytes(32, 1)))
                .setImage(ByteString.copyFrom(image)).build();
    }

    @Test
    void readsEveryFieldAsProtobufDoesWithTheImageInAnAlignedDirectBuffer() throws IOException {
        for (int size : new int[] {1, 4095, 4096, 4097, 1 << 20, (4 << 20) + 40}) {
            byte[] image = bytes(size, size);
            PutChunkRequest sent = request(image);
            ChunkUploads.Received r = ChunkUploads.read(new ByteArrayInputStream(sent.toByteArray()));
            assertEquals(sent.toBuilder().clearImage().build(), r.fields(), "size " + size);
            assertTrue(r.image().isDirect());
            assertEquals(0, r.image().alignmentOffset(0, ChunkUploads.ALIGNMENT));
            assertTrue(((size + 4095) & -4096) <= r.image().capacity(), "room for the O_DIRECT padding");
            byte[] got = new byte[r.image().remaining()];
            r.image().duplicate().get(got);
            assertArrayEquals(image, got, "size " + size);
            ChunkUploads.release(r.image());
        }
    }

    @Test
    void anImageOverThePooledSizeArrivesInAHeapBufferWhichTheStoreCopiesAsBefore() throws IOException {
        byte[] image = bytes((8 << 20) + 40, 5); // a sealed chunk of a repository with 8 MiB chunks
        ChunkUploads.Received r = ChunkUploads.read(new ByteArrayInputStream(request(image).toByteArray()));
        assertTrue(!r.image().isDirect());
        assertEquals(ByteString.copyFrom(image), ByteString.copyFrom(r.image().duplicate()));
        ChunkUploads.release(r.image()); // not pooled
        ByteBuffer small = ChunkUploads.borrow(100);
        assertTrue(small.isDirect());
        assertEquals(ChunkUploads.POOLED_CAPACITY, small.capacity());
        ChunkUploads.release(small);
        assertTrue(small == ChunkUploads.borrow(200), "pooled: the same buffer again");
    }

    @Test
    void fieldsInAnyOrderUnknownFieldsKeptAndTheLastImageWins() throws IOException {
        byte[] first = bytes(5000, 7);
        byte[] last = bytes(3000, 8);
        PutChunkRequest a = request(first);
        PutChunkRequest b = PutChunkRequest.newBuilder().setImage(ByteString.copyFrom(last)).setSession("s-43")
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                        .addVarint(12345).build()).build()).build();
        // two messages concatenated are one merged message in protobuf
        byte[] wire = ByteString.copyFrom(b.toByteArray()).concat(ByteString.copyFrom(a.toByteArray()))
                .concat(ByteString.copyFrom(PutChunkRequest.newBuilder().setImage(ByteString.copyFrom(last)).build()
                        .toByteArray())).toByteArray();
        PutChunkRequest protobuf = PutChunkRequest.parseFrom(wire);
        ChunkUploads.Received r = ChunkUploads.read(new ByteArrayInputStream(wire));
        assertEquals(protobuf.toBuilder().clearImage().build(), r.fields());
        assertEquals(protobuf.getImage(), ByteString.copyFrom(r.image().duplicate()));
        assertEquals(ByteString.copyFrom(last), ByteString.copyFrom(r.image().duplicate()));
    }

    @Test
    void aRequestWithoutImageHasAnEmptyOne() throws IOException {
        ChunkUploads.Received r = ChunkUploads.read(new ByteArrayInputStream(
                PutChunkRequest.newBuilder().setSession("s").build().toByteArray()));
        assertEquals("s", r.fields().getSession());
        assertEquals(0, r.image().remaining());
    }

    @Test
    void aTruncatedOrLyingRequestIsRefused() {
        byte[] wire = request(bytes(10_000, 3)).toByteArray();
        IOException cut = assertThrows(InvalidProtocolBufferException.class,
                () -> ChunkUploads.read(new ByteArrayInputStream(Arrays.copyOf(wire, wire.length - 1))));
        assertTrue(cut.getMessage().contains("ends inside its chunk image"), cut.getMessage());
        // field 4, length 2^31 - 1, nothing after: no 2 GiB buffer is allocated for it
        byte[] lying = {(byte) 0x22, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        IOException big = assertThrows(InvalidProtocolBufferException.class,
                () -> ChunkUploads.read(new ByteArrayInputStream(lying)));
        assertTrue(big.getMessage().contains("more than the request holds"), big.getMessage());
    }

    @Test
    void theMarshallerParsesWhatTheGeneratedOneWrites() {
        byte[] image = bytes(70_000, 9);
        PutChunkRequest sent = request(image);
        ChunkUploads.Received r = ChunkUploads.method().getRequestMarshaller().parse(
                io.ferry.agent.protocol.v1.RepositoryStoreGrpc.getPutChunkMethod().getRequestMarshaller().stream(sent));
        assertEquals(ByteString.copyFrom(image), ByteString.copyFrom(r.image().duplicate()));
        assertEquals(sent, PutChunkRequest.newBuilder(r.fields()).setImage(ByteString.copyFrom(r.image().duplicate())).build());
    }
}
