package io.ferry.repository.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.ChunkId;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Turns chunk plaintext into a chunk file image and back (see docs/repository-format.md,
 * "Chunk files"). Holds the per-thread state: a Cipher, a Mac, LZ4 objects and two
 * buffers of about one chunk each. Not thread-safe; borrowed from a {@link ChunkCodecPool}
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

    private final MasterKeys keys;
    private final int chunkSize;
    private final Mac mac;
    private final Cipher cipher;
    private final LZ4Compressor compressor;
    private final LZ4SafeDecompressor decompressor;
    private final SecureRandom random;
    /** LZ4 output when sealing, the decrypted LZ4 block when opening. */
    private final ByteBuffer work;
    /** The whole chunk file; direct so that file I/O needs no extra copy. */
    private final ByteBuffer image;
    private final byte[] header = new byte[HEADER_LENGTH];
    private final byte[] nonce = new byte[NONCE_LENGTH];
    private final byte[] idBytes = new byte[ChunkId.LENGTH];

    /** What {@link #seal} produced: {@code image()} holds {@code length} bytes. */
    record Sealed(int length, boolean compressed) {
    }

    ChunkCodec(MasterKeys keys, int chunkSize, LZ4Factory lz4, SecureRandom random) {
        this.keys = keys;
        this.chunkSize = chunkSize;
        this.random = random;
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(keys.chunkIdKey());
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime lacks HmacSHA256 or AES/GCM: " + e.getMessage(), e);
        }
        this.compressor = lz4.fastCompressor();
        this.decompressor = lz4.safeDecompressor();
        this.work = ByteBuffer.allocate(compressor.maxCompressedLength(chunkSize));
        this.image = ByteBuffer.allocateDirect(OVERHEAD + chunkSize);
    }

    int chunkSize() {
        return chunkSize;
    }

    /** HMAC-SHA256 of the remaining bytes of {@code data} under the chunk-id key; the position is unchanged. */
    ChunkId address(ByteBuffer data) {
        mac.update(data.duplicate());
        return ChunkId.of(mac.doFinal());
    }

    /**
     * Compresses (unless LZ4 does not shrink it) and encrypts the remaining bytes of
     * {@code data} into {@link #image()}. The position of {@code data} is unchanged.
     */
    Sealed seal(ChunkId id, ByteBuffer data) throws GeneralSecurityException {
        int length = data.remaining();
        int compressedLength = compressor.compress(data, data.position(), length, work, 0, work.capacity());
        boolean lz4 = compressedLength < length;
        writeHeader(lz4 ? FLAG_LZ4 : 0, length);
        random.nextBytes(nonce);
        image.clear();
        image.put(header).put(nonce);
        initCipher(Cipher.ENCRYPT_MODE, id);
        ByteBuffer input = lz4 ? work.duplicate().position(0).limit(compressedLength) : data.duplicate();
        int written = cipher.doFinal(input, image);
        image.flip();
        return new Sealed(PAYLOAD_OFFSET + written, lz4);
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
        try {
            initCipher(Cipher.DECRYPT_MODE, id);
            if ((flags & FLAG_LZ4) != 0) {
                work.clear();
                int compressedLength = cipher.doFinal(ciphertext, work);
                int n = decompressor.decompress(work, 0, compressedLength, dst, start, length);
                if (n != length) {
                    throw IntegrityException.unreadable("LZ4 data decompressed to " + n + " bytes, not " + length);
                }
            } else {
                int n = cipher.doFinal(ciphertext, dst.duplicate());
                if (n != length) {
                    throw IntegrityException.unreadable("payload has " + n + " bytes, not " + length);
                }
            }
        } catch (AEADBadTagException e) {
            throw new IntegrityException(IntegrityException.AUTHENTICATION_FAILED, e);
        } catch (LZ4Exception e) {
            throw IntegrityException.unreadable("LZ4 data is malformed: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw IntegrityException.unreadable(e.toString());
        }
        ByteBuffer plain = dst.duplicate().position(start).limit(start + length);
        mac.update(plain);
        id.copyTo(idBytes, 0);
        if (!MessageDigest.isEqual(mac.doFinal(), idBytes)) {
            throw new IntegrityException(IntegrityException.HASH_MISMATCH);
        }
        dst.position(start + length);
        return length;
    }

    private void writeHeader(int flags, int length) {
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[4] = RepositoryConfig.FORMAT_VERSION;
        header[5] = (byte) flags;
        header[6] = 0;
        header[7] = 0;
        ByteBuffer.wrap(header, 8, 4).putInt(length);
    }

    private void initCipher(int mode, ChunkId id) throws GeneralSecurityException {
        cipher.init(mode, keys.dataKey(), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        cipher.updateAAD(header);
        id.copyTo(idBytes, 0);
        cipher.updateAAD(idBytes);
    }
}
