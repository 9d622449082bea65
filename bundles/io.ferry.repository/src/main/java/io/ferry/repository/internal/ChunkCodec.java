package io.ferry.repository.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.ChunkId;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Turns chunk plaintext into a chunk file image and back (see docs/repository-format.md,
 * "Chunk files"). Holds the per-thread state: the {@link ChunkCrypto} (libcrypto or SunJCE),
 * LZ4 objects and two direct buffers of about one chunk each. Not thread-safe; borrowed from a {@link ChunkCodecPool}
 * for one operation at a time.
 */
final class ChunkCodec {

    static final int HEADER_LENGTH = 12;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int PAYLOAD_OFFSET = HEADER_LENGTH + NONCE_LENGTH;
    static final int OVERHEAD = PAYLOAD_OFFSET + TAG_LENGTH;
    static final int FLAG_LZ4 = 1;
    static final byte[] MAGIC = {'F', 'R', 'Y', 'C'};

    /** Bytes per sample slice that decide whether a chunk is worth compressing. */
    static final int SAMPLE_SLICE = 32 * 1024;
    static final int SAMPLE_SLICES = 4;
    /** A chunk is stored without LZ4 when its sample shrinks by less than 1/32 (about 3 %). */
    static final int SAMPLE_MIN_SAVING_SHIFT = 5;

    private final int chunkSize;
    private final ChunkCrypto crypto;
    private final LZ4Compressor compressor;
    private final LZ4SafeDecompressor decompressor;
    private final SecureRandom random;
    /** LZ4 output when sealing, the decrypted LZ4 block when opening; direct, for libcrypto and LZ4's JNI. */
    private final ByteBuffer work;
    /** The whole chunk file; direct so that file I/O needs no extra copy. */
    private final ByteBuffer image;
    private final byte[] header = new byte[HEADER_LENGTH];
    private final byte[] nonce = new byte[NONCE_LENGTH];
    private final byte[] idBytes = new byte[ChunkId.LENGTH];
    private final byte[] mac = new byte[ChunkCrypto.MAC_LENGTH];
    private long sampledOut;

    /** What {@link #seal} produced: {@code image()} holds {@code length} bytes. */
    record Sealed(int length, boolean compressed) {
    }

    ChunkCodec(MasterKeys keys, int chunkSize, LZ4Factory lz4, SecureRandom random) {
        this(ChunkCrypto.create(keys), chunkSize, lz4, random);
    }

    /** With the given cryptography (tests compare libcrypto and SunJCE); the codec closes it. */
    ChunkCodec(ChunkCrypto crypto, int chunkSize, LZ4Factory lz4, SecureRandom random) {
        this.crypto = crypto;
        this.chunkSize = chunkSize;
        this.random = random;
        this.compressor = lz4.fastCompressor();
        this.decompressor = lz4.safeDecompressor();
        this.work = ByteBuffer.allocateDirect(compressor.maxCompressedLength(chunkSize));
        // aligned, with room for the padding of an O_DIRECT write (DurableFiles.writeTempDirect)
        int imageSize = (OVERHEAD + chunkSize + DurableFiles.DIRECT_ALIGNMENT - 1) & -DurableFiles.DIRECT_ALIGNMENT;
        this.image = ByteBuffer.allocateDirect(imageSize + DurableFiles.DIRECT_ALIGNMENT)
                .alignedSlice(DurableFiles.DIRECT_ALIGNMENT);
    }

    /** Which implementation encrypts ({@code "libcrypto"} or {@code "SunJCE"}). */
    String cryptoName() {
        return crypto.name();
    }

    /** Frees the native state of the cryptography; the codec must not be used afterwards. */
    void close() {
        crypto.close();
    }

    /** Chunks whose compression was skipped because their sample did not compress (since creation). */
    long sampledOut() {
        return sampledOut;
    }

    int chunkSize() {
        return chunkSize;
    }

    /** HMAC-SHA256 of the remaining bytes of {@code data} under the chunk-id key; the position is unchanged. */
    ChunkId address(ByteBuffer data) {
        crypto.mac(data, mac);
        return ChunkId.of(mac);
    }

    /**
     * Compresses (unless LZ4 does not shrink it) and encrypts the remaining bytes of
     * {@code data} into {@link #image()}. The position of {@code data} is unchanged.
     */
    Sealed seal(ChunkId id, ByteBuffer data) throws GeneralSecurityException {
        int length = data.remaining();
        boolean lz4 = false;
        int compressedLength = 0;
        if (worthCompressing(data)) {
            compressedLength = compressor.compress(data, data.position(), length, work, 0, work.capacity());
            lz4 = compressedLength < length;
        } else {
            sampledOut++;
        }
        writeHeader(lz4 ? FLAG_LZ4 : 0, length);
        random.nextBytes(nonce);
        image.clear();
        image.put(header).put(nonce);
        id.copyTo(idBytes, 0);
        ByteBuffer input = lz4 ? work.duplicate().position(0).limit(compressedLength) : data;
        int written = crypto.seal(nonce, header, idBytes, input, image);
        image.position(0).limit(PAYLOAD_OFFSET + written);
        return new Sealed(PAYLOAD_OFFSET + written, lz4);
    }

    /**
     * False when LZ4 would not pay: {@value #SAMPLE_SLICES} slices of {@value #SAMPLE_SLICE}
     * bytes spread over the chunk shrink by less than 1/32 together (already compressed or
     * encrypted data). Such a chunk is stored as it is (flag bit 0 clear, the format's
     * "stored" case), without spending a compression on it. Short chunks are always tried.
     */
    boolean worthCompressing(ByteBuffer data) {
        int length = data.remaining();
        if (length < 2 * SAMPLE_SLICES * SAMPLE_SLICE) {
            return true;
        }
        int stride = length / SAMPLE_SLICES;
        long in = 0;
        long out = 0;
        for (int i = 0; i < SAMPLE_SLICES; i++) {
            int offset = data.position() + i * stride + (stride - SAMPLE_SLICE) / 2;
            out += compressor.compress(data, offset, SAMPLE_SLICE, work, 0, work.capacity());
            in += SAMPLE_SLICE;
        }
        return in - out >= in >> SAMPLE_MIN_SAVING_SHIFT;
    }

    /** The chunk file image: filled by {@link #seal}, or to be filled by the caller before {@link #open}. */
    ByteBuffer image() {
        return image;
    }

    /**
     * Checks the chunk file in {@code image()} (position 0 to its limit), decrypts and
     * decompresses it into {@code dst} from its position, recomputes the id. On success
     * the position of {@code dst} is advanced by the plaintext length, which is returned.
     */
    int open(ChunkId id, ByteBuffer dst) throws IntegrityException {
        int fileLength = image.limit();
        if (fileLength < OVERHEAD) {
            throw IntegrityException.unreadable("the file has only " + fileLength + " bytes");
        }
        image.position(0);
        image.get(header);
        image.get(nonce);
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                throw IntegrityException.unreadable("not a Ferry chunk file (bad magic)");
            }
        }
        if (header[4] != RepositoryConfig.FORMAT_VERSION) {
            throw IntegrityException.unreadable("chunk format version " + header[4] + " is not supported");
        }
        int flags = header[5];
        int length = ByteBuffer.wrap(header, 8, 4).getInt();
        if ((flags & ~FLAG_LZ4) != 0 || length <= 0 || length > chunkSize) {
            // header fields are authenticated: garbage here means the file was damaged
            throw new IntegrityException(IntegrityException.AUTHENTICATION_FAILED);
        }
        if (dst.remaining() < length) {
            throw new ValidationException("dst", "the buffer has room for " + dst.remaining()
                    + " bytes but chunk " + id.hex() + " has " + length);
        }
        int start = dst.position();
        ByteBuffer ciphertext = image.duplicate().position(PAYLOAD_OFFSET).limit(fileLength);
        id.copyTo(idBytes, 0);
        try {
            if ((flags & FLAG_LZ4) != 0) {
                work.clear();
                if (ciphertext.remaining() - TAG_LENGTH > work.capacity()) {
                    throw IntegrityException.unreadable("the LZ4 payload is longer than a chunk can compress to");
                }
                int compressedLength = crypto.open(nonce, header, idBytes, ciphertext, work);
                int n = decompressor.decompress(work, 0, compressedLength, dst, start, length);
                if (n != length) {
                    throw IntegrityException.unreadable("LZ4 data decompressed to " + n + " bytes, not " + length);
                }
            } else {
                int payload = ciphertext.remaining() - TAG_LENGTH;
                if (payload != length) {
                    // the header is authenticated: a damaged file fails the tag check first
                    if (payload >= 0 && payload <= work.capacity()) {
                        work.clear();
                        crypto.open(nonce, header, idBytes, ciphertext, work);
                    }
                    throw IntegrityException.unreadable("payload has " + payload + " bytes, not " + length);
                }
                crypto.open(nonce, header, idBytes, ciphertext, dst);
            }
        } catch (AEADBadTagException e) {
            throw new IntegrityException(IntegrityException.AUTHENTICATION_FAILED, e);
        } catch (LZ4Exception e) {
            throw IntegrityException.unreadable("LZ4 data is malformed: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw IntegrityException.unreadable(e.toString());
        }
        crypto.mac(dst.duplicate().position(start).limit(start + length), mac);
        if (!MessageDigest.isEqual(mac, idBytes)) {
            throw new IntegrityException(IntegrityException.HASH_MISMATCH);
        }
        dst.position(start + length);
        return length;
    }

    /**
     * Checks a sealed chunk image (position 0 to its limit) as far as a side without the key
     * can: the length bounds of a repository with {@code chunkSize}, magic, version, flags,
     * reserved bytes, the plaintext length, and that the payload length fits the flags (a
     * stored payload has exactly the plaintext length, an LZ4 one is shorter). The tag, and
     * so the binding to the chunk id, only the key side can check.
     *
     * @return null when the image is well-formed, else what is wrong with it
     */
    static String checkSealedImage(ByteBuffer image, int chunkSize) {
        int fileLength = image.limit();
        if (fileLength <= OVERHEAD || fileLength > OVERHEAD + chunkSize) {
            return "a chunk image of this repository has " + (OVERHEAD + 1) + " to " + (OVERHEAD + chunkSize)
                    + " bytes, not " + fileLength;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (image.get(i) != MAGIC[i]) {
                return "not a Ferry chunk image (bad magic)";
            }
        }
        if (image.get(4) != RepositoryConfig.FORMAT_VERSION) {
            return "chunk format version " + image.get(4) + " is not supported";
        }
        int flags = image.get(5);
        if ((flags & ~FLAG_LZ4) != 0 || image.get(6) != 0 || image.get(7) != 0) {
            return "unknown flags or reserved bytes in the chunk header";
        }
        int length = image.getInt(8);
        if (length <= 0 || length > chunkSize) {
            return "plaintext length " + length + " is outside 1.." + chunkSize;
        }
        int payload = fileLength - OVERHEAD;
        if ((flags & FLAG_LZ4) == 0 ? payload != length : payload >= length) {
            return "payload of " + payload + " bytes does not fit a " + ((flags & FLAG_LZ4) == 0 ? "stored" : "LZ4")
                    + " chunk of " + length + " bytes";
        }
        return null;
    }

    private void writeHeader(int flags, int length) {
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[4] = RepositoryConfig.FORMAT_VERSION;
        header[5] = (byte) flags;
        header[6] = 0;
        header[7] = 0;
        ByteBuffer.wrap(header, 8, 4).putInt(length);
    }
}
