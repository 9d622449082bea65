package io.ferry.repository.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;

/**
 * The cryptography of one chunk codec: the chunk id (HMAC-SHA256 under the chunk-id key) and
 * AES-256-GCM under the data key. Two implementations with the same bytes in and out:
 * {@link OpenSslChunkCrypto} (GCM through libcrypto via JNA, the fast one) and {@link JceChunkCrypto}
 * (the Java runtime, when libcrypto is missing). Not thread-safe, like the codec that owns it.
 * {@link #close()} releases native state; the codec must not be used afterwards.
 */
interface ChunkCrypto extends AutoCloseable {

    int TAG_LENGTH = 16;
    int MAC_LENGTH = 32;

    /** The implementation's name, for logs and benchmarks ({@code "libcrypto"} or {@code "SunJCE"}). */
    String name();

    /** HMAC-SHA256 of the remaining bytes of {@code data} (positions unchanged) into {@code out} (32 bytes). */
    void mac(ByteBuffer data, byte[] out);

    /**
     * Encrypts the remaining bytes of {@code in} and writes ciphertext and 16-byte tag to
     * {@code out} from its position (positions unchanged); {@code aad1} then {@code aad2}
     * are the additional authenticated data.
     *
     * @return the bytes written: {@code in.remaining() + 16}
     */
    int seal(byte[] nonce, byte[] aad1, byte[] aad2, ByteBuffer in, ByteBuffer out) throws GeneralSecurityException;

    /**
     * Checks and decrypts the remaining bytes of {@code in} (ciphertext followed by the tag)
     * into {@code out} from its position (positions unchanged). Nothing in {@code out} may
     * be used when this throws.
     *
     * @return the plaintext length: {@code in.remaining() - 16}
     * @throws AEADBadTagException when the tag does not match
     */
    int open(byte[] nonce, byte[] aad1, byte[] aad2, ByteBuffer in, ByteBuffer out) throws GeneralSecurityException;

    @Override
    void close();

    /** libcrypto when it is usable here, else SunJCE. */
    static ChunkCrypto create(MasterKeys keys) {
        return LibCrypto.get().<ChunkCrypto>map(lib -> new OpenSslChunkCrypto(lib, keys))
                .orElseGet(() -> new JceChunkCrypto(keys));
    }

    /** Throws unless {@code out} has room for {@code needed} bytes from its position. */
    static void requireRoom(ByteBuffer out, int needed) {
        if (out.remaining() < needed) {
            throw new IllegalArgumentException("output buffer has room for " + out.remaining() + " bytes, "
                    + needed + " needed");
        }
    }
}
