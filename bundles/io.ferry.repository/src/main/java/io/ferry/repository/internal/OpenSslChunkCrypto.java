package io.ferry.repository.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * {@link ChunkCrypto} through OpenSSL 3's libcrypto (JNA): AES-256-GCM with two
 * {@code EVP_CIPHER_CTX} (encrypt, decrypt) that are keyed once and then only get a new
 * nonce per chunk; chunk ids through SunJCE (faster here, see {@link #mac}). Direct buffers go
 * to libcrypto without a copy; heap buffers go through a bounded native bounce buffer
 * ({@value #BOUNCE} bytes) in slices. Native state (the contexts, the keys in native
 * memory) is freed by {@link #close()}, or by a {@link Cleaner} if an instance is dropped
 * unclosed; the keys are zeroed first.
 */
final class OpenSslChunkCrypto implements ChunkCrypto {

    static final int BOUNCE = 256 * 1024;
    private static final Cleaner CLEANER = Cleaner.create();

    private final LibCrypto lib;
    private final State state;
    private final Cleaner.Cleanable cleanable;
    private final IntByReference outLength = new IntByReference();
    private final byte[] tag = new byte[TAG_LENGTH];
    /** Chunk ids (see {@link #mac}). */
    private final JceChunkCrypto javaMac;

    /** What must be freed: not referring to the instance, so that the cleaner can run. */
    private static final class State implements Runnable {
        final LibCrypto lib;
        final Pointer encrypt;
        final Pointer decrypt;
        /** data key (0..31), unused (32..63), tag (64..79), scratch for Final (80..95). */
        final Memory keys = new Memory(2L * MasterKeys.KEY_LENGTH + 2L * TAG_LENGTH);
        /** For heap buffers: allocated on first use. */
        Memory bounce;
        boolean closed;

        State(LibCrypto lib) {
            this.lib = lib;
            this.encrypt = lib.EVP_CIPHER_CTX_new();
            this.decrypt = lib.EVP_CIPHER_CTX_new();
        }

        @Override
        public synchronized void run() {
            if (closed) {
                return;
            }
            closed = true;
            keys.clear();
            keys.close();
            if (bounce != null) {
                bounce.close();
            }
            if (encrypt != null) {
                lib.EVP_CIPHER_CTX_free(encrypt);
            }
            if (decrypt != null) {
                lib.EVP_CIPHER_CTX_free(decrypt);
            }
        }
    }

    OpenSslChunkCrypto(LibCrypto lib, MasterKeys keys) {
        this.lib = lib;
        this.javaMac = new JceChunkCrypto(keys);
        this.state = new State(lib);
        this.cleanable = CLEANER.register(this, state);
        boolean ok = false;
        try {
            if (state.encrypt == null || state.decrypt == null) {
                throw new IllegalStateException("libcrypto: EVP_CIPHER_CTX_new failed (out of memory?)");
            }
            byte[] material = keys.material();
            try {
                state.keys.write(0, material, 0, MasterKeys.KEY_LENGTH); // the data key only
            } finally {
                Arrays.fill(material, (byte) 0);
            }
            Pointer gcm = lib.EVP_aes_256_gcm();
            if (lib.EVP_CipherInit_ex(state.encrypt, gcm, null, state.keys, null, 1) != 1
                    || lib.EVP_CipherInit_ex(state.decrypt, gcm, null, state.keys, null, 0) != 1) {
                throw new IllegalStateException("libcrypto: cannot set up AES-256-GCM (EVP_CipherInit_ex failed)");
            }
            ok = true;
        } finally {
            if (!ok) {
                cleanable.clean();
            }
        }
    }

    @Override
    public String name() {
        return "libcrypto";
    }

    /**
     * The chunk id through the Java runtime's HMAC-SHA256, not libcrypto's: measured on the
     * build box, SunJCE's (SHA-NI intrinsics) ran at ~1.5 GB/s per core and OpenSSL 3.0's
     * one-shot {@code HMAC()} at ~1.15 GB/s (bench/mover/micro).
     */
    @Override
    public void mac(ByteBuffer data, byte[] out) {
        requireOpen();
        javaMac.mac(data, out);
    }

    @Override
    public int seal(byte[] nonce, byte[] aad1, byte[] aad2, ByteBuffer in, ByteBuffer out)
            throws GeneralSecurityException {
        int length = in.remaining();
        ChunkCrypto.requireRoom(out, length + TAG_LENGTH);
        Pointer ctx = begin(state.encrypt, 1, nonce, aad1, aad2);
        int n = update(ctx, in, out);
        finish(ctx);
        if (lib.EVP_CIPHER_CTX_ctrl(ctx, LibCrypto.EVP_CTRL_AEAD_GET_TAG, TAG_LENGTH, tagPointer()) != 1) {
            throw new GeneralSecurityException("libcrypto: cannot get the GCM tag");
        }
        state.keys.read(2L * MasterKeys.KEY_LENGTH, tag, 0, TAG_LENGTH);
        out.duplicate().position(out.position() + length).put(tag);
        return length + TAG_LENGTH;
    }

    @Override
    public int open(byte[] nonce, byte[] aad1, byte[] aad2, ByteBuffer in, ByteBuffer out)
            throws GeneralSecurityException {
        int length = in.remaining() - TAG_LENGTH;
        if (length < 0) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
        ChunkCrypto.requireRoom(out, length);
        Pointer ctx = begin(state.decrypt, 0, nonce, aad1, aad2);
        in.duplicate().position(in.position() + length).get(tag);
        state.keys.write(2L * MasterKeys.KEY_LENGTH, tag, 0, TAG_LENGTH);
        int n = update(ctx, in.duplicate().limit(in.position() + length), out);
        if (lib.EVP_CIPHER_CTX_ctrl(ctx, LibCrypto.EVP_CTRL_AEAD_SET_TAG, TAG_LENGTH, tagPointer()) != 1) {
            throw new GeneralSecurityException("libcrypto: cannot set the GCM tag");
        }
        outLength.setValue(0);
        // GCM writes nothing in Final (checked below); the pointer is a 16-byte scratch area anyway
        if (lib.EVP_CipherFinal_ex(ctx, scratchPointer(), outLength) <= 0 || outLength.getValue() != 0) {
            throw new AEADBadTagException("Tag mismatch");
        }
        return n;
    }

    private Pointer begin(Pointer ctx, int enc, byte[] nonce, byte[] aad1, byte[] aad2) throws GeneralSecurityException {
        requireOpen();
        if (nonce.length != ChunkCodec.NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce has " + nonce.length + " bytes, not 12");
        }
        check(lib.EVP_CipherInit_ex(ctx, null, null, null, nonce, enc), "EVP_CipherInit_ex");
        aad(ctx, aad1);
        aad(ctx, aad2);
        return ctx;
    }

    private void aad(Pointer ctx, byte[] aad) throws GeneralSecurityException {
        if (aad.length > 0) {
            check(lib.EVP_CipherUpdate(ctx, null, outLength, aad, aad.length), "EVP_CipherUpdate (AAD)");
        }
    }

    /** Encrypts or decrypts {@code in} (remaining) to {@code out} (from its position); positions unchanged. */
    private int update(Pointer ctx, ByteBuffer in, ByteBuffer out) throws GeneralSecurityException {
        int length = in.remaining();
        if (length == 0) {
            return 0;
        }
        if (in.isDirect() && out.isDirect()) {
            Pointer src = Native.getDirectBufferPointer(in).share(in.position());
            Pointer dst = Native.getDirectBufferPointer(out).share(out.position());
            outLength.setValue(0);
            check(lib.EVP_CipherUpdate(ctx, dst, outLength, src, length), "EVP_CipherUpdate");
            if (outLength.getValue() != length) {
                throw new GeneralSecurityException("libcrypto: EVP_CipherUpdate wrote " + outLength.getValue()
                        + " of " + length + " bytes");
            }
            return length;
        }
        if (state.bounce == null) {
            state.bounce = new Memory(BOUNCE);
        }
        ByteBuffer bounce = state.bounce.getByteBuffer(0, BOUNCE);
        ByteBuffer src = in.duplicate();
        ByteBuffer dst = out.duplicate();
        while (src.hasRemaining()) {
            int n = Math.min(BOUNCE, src.remaining());
            bounce.clear();
            bounce.put(src.slice().limit(n));
            src.position(src.position() + n);
            outLength.setValue(0);
            check(lib.EVP_CipherUpdate(ctx, state.bounce, outLength, state.bounce, n), "EVP_CipherUpdate");
            if (outLength.getValue() != n) {
                throw new GeneralSecurityException("libcrypto: EVP_CipherUpdate wrote " + outLength.getValue()
                        + " of " + n + " bytes");
            }
            bounce.flip();
            dst.put(bounce);
        }
        return length;
    }

    private void finish(Pointer ctx) throws GeneralSecurityException {
        outLength.setValue(0);
        check(lib.EVP_CipherFinal_ex(ctx, scratchPointer(), outLength), "EVP_CipherFinal_ex");
        if (outLength.getValue() != 0) {
            throw new GeneralSecurityException("libcrypto: GCM final wrote " + outLength.getValue() + " bytes");
        }
    }

    private Pointer tagPointer() {
        return state.keys.share(2L * MasterKeys.KEY_LENGTH);
    }

    private Pointer scratchPointer() {
        return state.keys.share(2L * MasterKeys.KEY_LENGTH + TAG_LENGTH);
    }

    private void requireOpen() {
        if (state.closed) {
            throw new IllegalStateException("the chunk codec is closed");
        }
    }

    private static void check(int rc, String call) throws GeneralSecurityException {
        if (rc != 1) {
            throw new GeneralSecurityException("libcrypto: " + call + " failed");
        }
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
