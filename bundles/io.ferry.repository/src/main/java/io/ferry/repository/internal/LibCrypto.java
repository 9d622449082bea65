package io.ferry.repository.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few OpenSSL 3 {@code libcrypto.so.3} calls the repository uses (AES-256-GCM of chunks
 * through {@code EVP_Cipher*}, PBKDF2 of the key file), mapped with JNA. Loaded once per JVM; when the
 * library is missing (or {@code -Dferry.repository.crypto=jce}), {@link #get()} is empty and
 * the codec uses the Java runtime's SunJCE instead, with the same bytes on disk.
 *
 * <p>Why: SunJCE's AES-GCM on direct buffers takes a slow GHASH path (~1.3 GB/s) and a single
 * large {@code doFinal} on a heap array stays near 60 MB/s on JDK 17, whereas libcrypto does
 * AES-256-GCM at ~3.5 GB/s per core on the build box (docs/benchmarks.md).
 */
interface LibCrypto extends Library {

    /** {@code EVP_CTRL_AEAD_GET_TAG}. */
    int EVP_CTRL_AEAD_GET_TAG = 0x10;
    /** {@code EVP_CTRL_AEAD_SET_TAG}. */
    int EVP_CTRL_AEAD_SET_TAG = 0x11;
    /** System property: {@code jce} makes the chunk codec use SunJCE even when libcrypto is there. */
    String PROPERTY = "ferry.repository.crypto";

    long OpenSSL_version_num();

    Pointer EVP_CIPHER_CTX_new();

    void EVP_CIPHER_CTX_free(Pointer ctx);

    Pointer EVP_aes_256_gcm();

    Pointer EVP_sha256();

    /** PBKDF2 (RFC 8018); returns 1 on success. Password, salt and output in native memory. */
    int PKCS5_PBKDF2_HMAC(Pointer pass, int passLength, Pointer salt, int saltLength, int iterations, Pointer digest,
            int keyLength, Pointer out);

    int EVP_CipherInit_ex(Pointer ctx, Pointer cipher, Pointer engine, Pointer key, byte[] iv, int enc);

    /** Data: {@code out} and {@code in} point into direct buffers. */
    int EVP_CipherUpdate(Pointer ctx, Pointer out, IntByReference outLength, Pointer in, int inLength);

    /** Additional authenticated data: {@code out} is null. */
    int EVP_CipherUpdate(Pointer ctx, Pointer out, IntByReference outLength, byte[] in, int inLength);

    int EVP_CipherFinal_ex(Pointer ctx, Pointer out, IntByReference outLength);

    int EVP_CIPHER_CTX_ctrl(Pointer ctx, int type, int arg, Pointer ptr);

    /** The library, or empty when it cannot be used here (logged once). */
    static Optional<LibCrypto> get() {
        return Holder.INSTANCE;
    }

    /** Loads libcrypto.so.3 once. */
    final class Holder {
        private static final Logger LOG = LoggerFactory.getLogger(LibCrypto.class);
        static final Optional<LibCrypto> INSTANCE = load();

        private Holder() {
        }

        private static Optional<LibCrypto> load() {
            if ("jce".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
                LOG.info("chunk encryption through the Java runtime (SunJCE): -D{}=jce", PROPERTY);
                return Optional.empty();
            }
            if (!Platform.isLinux()) {
                return Optional.empty();
            }
            try {
                LibCrypto lib = Native.load("libcrypto.so.3", LibCrypto.class);
                long version = lib.OpenSSL_version_num();
                if (version >>> 28 < 3) {
                    LOG.info("libcrypto {} is older than OpenSSL 3: chunk encryption through SunJCE",
                            Long.toHexString(version));
                    return Optional.empty();
                }
                if (lib.EVP_aes_256_gcm() == null || lib.EVP_sha256() == null) {
                    return Optional.empty();
                }
                LOG.debug("chunk encryption through libcrypto {}", Long.toHexString(version));
                return Optional.of(lib);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                LOG.info("libcrypto.so.3 (OpenSSL 3, Debian package libssl3) not usable ({}): chunk encryption"
                        + " through SunJCE, which is slower", e.getMessage());
                return Optional.empty();
            }
        }
    }
}
