package io.ferry.repository.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.repository.ChunkId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * libcrypto (OpenSSL 3 through JNA) and SunJCE must be interchangeable: the same bytes for
 * the same nonce, each opening what the other sealed, both refusing tampered files. The build
 * and every Ferry host are Debian with libssl3, so libcrypto must be found here.
 */
class ChunkCryptoTest {

    private static final int CHUNK = 4 << 20;
    private final MasterKeys keys = MasterKeys.fromMaterial(bytes(64, 1));
    private final OpenSslChunkCrypto openssl = new OpenSslChunkCrypto(lib(), keys);
    private final JceChunkCrypto jce = new JceChunkCrypto(keys);

    private static LibCrypto lib() {
        assertTrue(LibCrypto.get().isPresent(), "libcrypto.so.3 (Debian package libssl3) must be loadable on this box");
        return LibCrypto.get().orElseThrow();
    }

    @AfterEach
    void close() {
        openssl.close();
    }

    @Test
    void theCodecUsesLibcryptoWhenItIsThere() {
        ChunkCodec codec = new ChunkCodec(keys, CHUNK, LZ4Factory.fastestInstance(), new SecureRandom());
        try {
            assertEquals("libcrypto", codec.cryptoName());
        } finally {
            codec.close();
        }
    }

    @Test
    void bothSealToTheSameBytesAndOpenEachOther() throws Exception {
        byte[] header = bytes(12, 3);
        int round = 0;
        byte[] id = bytes(32, 4);
        // 1..17 around the block size, larger than the bounce buffer, a whole chunk
        for (int length : new int[] {1, 15, 16, 17, 1000, OpenSslChunkCrypto.BOUNCE + 77, CHUNK}) {
            for (boolean direct : new boolean[] {true, false}) {
                byte[] nonce = bytes(12, ++round); // SunJCE refuses to encrypt twice under one nonce
                ByteBuffer plain = buffer(bytes(length, length), direct);
                ByteBuffer a = ByteBuffer.allocateDirect(length + 16);
                ByteBuffer b = direct ? ByteBuffer.allocate(length + 16) : ByteBuffer.allocateDirect(length + 16);
                assertEquals(length + 16, openssl.seal(nonce, header, id, plain, a));
                assertEquals(length + 16, jce.seal(nonce, header, id, plain, b));
                assertEquals(0, plain.position(), "the input position is unchanged");
                byte[] sealedA = array(a, length + 16);
                assertArrayEquals(array(b, length + 16), sealedA, "same ciphertext and tag, length " + length);

                ByteBuffer outJce = ByteBuffer.allocate(length);
                assertEquals(length, jce.open(nonce, header, id, buffer(sealedA, true), outJce));
                assertArrayEquals(array(plain, length), array(outJce, length), "SunJCE opens libcrypto's, " + length);
                ByteBuffer outSsl = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
                assertEquals(length, openssl.open(nonce, header, id, buffer(sealedA, direct), outSsl));
                assertArrayEquals(array(plain, length), array(outSsl, length), "libcrypto opens SunJCE's, " + length);
            }
        }
    }

    @Test
    void bothComputeTheSameChunkId() {
        for (int length : new int[] {0, 1, 64, 65, 100_000, CHUNK}) {
            byte[] data = bytes(length, 7);
            byte[] a = new byte[32];
            byte[] b = new byte[32];
            byte[] c = new byte[32];
            openssl.mac(buffer(data, true), a);
            openssl.mac(buffer(data, false), b);
            jce.mac(buffer(data, true), c);
            assertArrayEquals(c, a, "direct, length " + length);
            assertArrayEquals(c, b, "heap, length " + length);
        }
    }

    @Test
    void bothRefuseATamperedCiphertextTagOrHeader() throws Exception {
        byte[] nonce = bytes(12, 5);
        byte[] header = bytes(12, 6);
        byte[] id = bytes(32, 7);
        int length = 100_000;
        ByteBuffer sealed = ByteBuffer.allocateDirect(length + 16);
        openssl.seal(nonce, header, id, buffer(bytes(length, 8), true), sealed);
        byte[] good = array(sealed, length + 16);
        for (ChunkCrypto crypto : new ChunkCrypto[] {openssl, jce}) {
            for (int flip : new int[] {0, length / 2, length + 3}) {
                byte[] bad = good.clone();
                bad[flip] ^= 0x10;
                assertThrows(AEADBadTagException.class, () -> crypto.open(nonce, header, id, buffer(bad, true),
                        ByteBuffer.allocateDirect(length)), crypto.name() + ", byte " + flip);
            }
            byte[] otherHeader = header.clone();
            otherHeader[5] ^= 1;
            assertThrows(AEADBadTagException.class, () -> crypto.open(nonce, otherHeader, id, buffer(good, true),
                    ByteBuffer.allocateDirect(length)), crypto.name() + ": header is authenticated");
            byte[] otherId = id.clone();
            otherId[31] ^= 1;
            assertThrows(AEADBadTagException.class, () -> crypto.open(nonce, header, otherId, buffer(good, true),
                    ByteBuffer.allocateDirect(length)), crypto.name() + ": chunk id is authenticated");
            assertThrows(AEADBadTagException.class, () -> crypto.open(nonce, header, id, buffer(new byte[10], true),
                    ByteBuffer.allocateDirect(length)), crypto.name() + ": shorter than a tag");
        }
    }

    @Test
    void aTooSmallOutputBufferIsRefusedBeforeAnythingIsWritten() {
        ByteBuffer out = ByteBuffer.allocateDirect(100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> openssl.seal(bytes(12, 1), new byte[12], new byte[32], ByteBuffer.allocateDirect(100), out));
        assertTrue(e.getMessage().contains("room for 100 bytes, 116 needed"), e.getMessage());
    }

    @Test
    void aClosedCryptoRefusesWorkInsteadOfTouchingFreedMemory() {
        OpenSslChunkCrypto closed = new OpenSslChunkCrypto(lib(), keys);
        closed.close();
        closed.close(); // twice is fine
        assertThrows(IllegalStateException.class, () -> closed.mac(ByteBuffer.allocateDirect(10), new byte[32]));
        assertThrows(IllegalStateException.class, () -> closed.seal(bytes(12, 1), new byte[12], new byte[32],
                ByteBuffer.allocateDirect(10), ByteBuffer.allocateDirect(26)));
    }

    @Test
    void chunkFilesWrittenWithOneAreReadByTheOtherInBothDirections() throws Exception {
        LZ4Factory lz4 = LZ4Factory.fastestInstance();
        ChunkCodec viaSsl = new ChunkCodec(new OpenSslChunkCrypto(lib(), keys), CHUNK, lz4, new SecureRandom());
        ChunkCodec viaJce = new ChunkCodec(new JceChunkCrypto(keys), CHUNK, lz4, new SecureRandom());
        try {
            byte[] text = "Dec  6 17:53:47 proxy ferry[4711]: chunk stored\n".repeat(CHUNK / 48 + 1)
                    .substring(0, CHUNK).getBytes(StandardCharsets.US_ASCII);
            byte[] noise = bytes(CHUNK, 9);
            for (byte[] data : new byte[][] {text, noise}) {
                for (ChunkCodec[] pair : new ChunkCodec[][] {{viaSsl, viaJce}, {viaJce, viaSsl}}) {
                    ChunkId id = pair[0].address(buffer(data, true));
                    assertEquals(id, pair[1].address(buffer(data, true)));
                    ChunkCodec.Sealed sealed = pair[0].seal(id, buffer(data, true));
                    assertEquals(data == text, sealed.compressed(), "text is compressed, noise is stored");
                    byte[] file = array(pair[0].image(), sealed.length());
                    pair[1].image().clear();
                    pair[1].image().put(file).flip();
                    ByteBuffer dst = ByteBuffer.allocateDirect(CHUNK);
                    assertEquals(CHUNK, pair[1].open(id, dst));
                    assertArrayEquals(data, array(dst.flip(), CHUNK), pair[0].cryptoName() + " -> " + pair[1].cryptoName());

                    file[ChunkCodec.PAYLOAD_OFFSET + 1000] ^= 1;
                    pair[1].image().clear();
                    pair[1].image().put(file).flip();
                    IntegrityException e = assertThrows(IntegrityException.class,
                            () -> pair[1].open(id, ByteBuffer.allocateDirect(CHUNK)));
                    assertEquals(IntegrityException.AUTHENTICATION_FAILED, e.getMessage());
                }
            }
            assertEquals(2, viaSsl.sampledOut() + viaJce.sampledOut(), "noise skipped LZ4 on its sample, once per codec");
        } finally {
            viaSsl.close();
            viaJce.close();
        }
    }

    @Test
    void theKeyFileKdfGivesTheSameKeyThroughLibcryptoAndSunJce() throws Exception {
        byte[] salt = bytes(16, 11);
        for (String password : new String[] {"correct horse", "pässwörd ✓ \uD83D\uDD11", "x".repeat(300)}) {
            byte[] viaSsl = KeyFile.pbkdf2(password.toCharArray(), salt, 1000);
            assertArrayEquals(KeyFile.pbkdf2Jce(password.toCharArray(), salt, 1000), viaSsl, "password '" + password + "'");
            assertEquals(32, viaSsl.length);
        }
        // RFC 7914 section 11 test vector for PBKDF2-HMAC-SHA256 (P = "passwd", S = "salt", c = 1)
        byte[] expected = java.util.HexFormat.of().parseHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        byte[] got = KeyFile.pbkdf2("passwd".toCharArray(), "salt".getBytes(StandardCharsets.US_ASCII), 1);
        assertArrayEquals(expected, got);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ByteBuffer buffer(byte[] data, boolean direct) {
        if (!direct) {
            return ByteBuffer.wrap(data.clone());
        }
        return ByteBuffer.allocateDirect(data.length).put(data).flip();
    }

    private static byte[] array(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.duplicate().position(0).get(out);
        return out;
    }
}
