package io.ferry.repository.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;

/** {@link ChunkCrypto} through the Java runtime's providers (SunJCE): the fallback. */
final class JceChunkCrypto implements ChunkCrypto {

    private final MasterKeys keys;
    private final Mac mac;
    private final Cipher cipher;

    JceChunkCrypto(MasterKeys keys) {
        this.keys = keys;
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(keys.chunkIdKey());
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime lacks HmacSHA256 or AES/GCM: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "SunJCE";
    }

    @Override
    public void mac(ByteBuffer data, byte[] out) {
        mac.update(data.duplicate());
        try {
            mac.doFinal(out, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalArgumentException("a chunk id needs 32 bytes", e);
        }
    }

    @Override
    public int seal(byte[] nonce, byte[] aad1, byte[] aad2, ByteBuffer in, ByteBuffer out)
            throws GeneralSecurityException {
        ChunkCrypto.requireRoom(out, in.remaining() + TAG_LENGTH);
        init(Cipher.ENCRYPT_MODE, nonce, aad1, aad2);
        return cipher.doFinal(in.duplicate(), out.duplicate());
    }

    @Override
    public int open(byte[] nonce, byte[] aad1, byte[] aad2, ByteBuffer in, ByteBuffer out)
            throws GeneralSecurityException {
        if (in.remaining() < TAG_LENGTH) {
            throw new javax.crypto.AEADBadTagException("ciphertext shorter than the tag");
        }
        ChunkCrypto.requireRoom(out, in.remaining() - TAG_LENGTH);
        init(Cipher.DECRYPT_MODE, nonce, aad1, aad2);
        return cipher.doFinal(in.duplicate(), out.duplicate());
    }

    private void init(int mode, byte[] nonce, byte[] aad1, byte[] aad2) throws GeneralSecurityException {
        cipher.init(mode, keys.dataKey(), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        cipher.updateAAD(aad1);
        cipher.updateAAD(aad2);
    }

    @Override
    public void close() {
        // nothing native
    }
}
