package io.ferry.repository.remote;

import io.ferry.repository.internal.RemoteKeys;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A repository's master key material, exported so that the manager can hand one task its key
 * without the password (over a mutually authenticated channel). 85 bytes:
 * {@code "FRYK"}, version 1, the 16 bytes of the repository id, the 64 bytes of master key
 * material (docs/repository-format.md, {@code keys/key}). Whoever holds them can read and
 * write the repository's data: keep them in as few places as possible, and {@link #close()}
 * (which zeroes them) as soon as the repository is open.
 */
public final class KeyMaterial implements AutoCloseable {

    private final byte[] encoded;

    private KeyMaterial(byte[] encoded) {
        this.encoded = encoded;
    }

    /**
     * Unwraps the master key from the repository's key file with the password and checks the
     * config's MAC with it (the images come from {@link StoreLink#images()}).
     *
     * @throws io.ferry.api.repository.RepositoryException WRONG_PASSWORD, CORRUPT, UNSUPPORTED_VERSION
     */
    public static KeyMaterial unlock(RepositoryImages images, char[] password) {
        return new KeyMaterial(RemoteKeys.unlock(images, password));
    }

    /** From the bytes of {@link #toBytes()} (copied; the caller zeroes its array). */
    public static KeyMaterial fromBytes(byte[] encoded) {
        RemoteKeys.checkEncoded(encoded);
        return new KeyMaterial(encoded.clone());
    }

    /** A copy of the 85 bytes; zero it after use. */
    public byte[] toBytes() {
        requireOpen();
        return encoded.clone();
    }

    /** The repository these keys belong to (32 hex digits). */
    public String repositoryId() {
        requireOpen();
        return HexFormat.of().formatHex(encoded, 5, 21);
    }

    /** Zeroes the material; the object cannot be used afterwards. */
    @Override
    public void close() {
        Arrays.fill(encoded, (byte) 0);
    }

    boolean closed() {
        return encoded[0] != 'F';
    }

    private void requireOpen() {
        if (closed()) {
            throw new IllegalStateException("this key material was closed (zeroed)");
        }
    }

    /** For {@link RemoteRepositories} only: the live array, not a copy. */
    byte[] encoded() {
        requireOpen();
        return encoded;
    }

    @Override
    public String toString() {
        return closed() ? "KeyMaterial[closed]" : "KeyMaterial[repository " + repositoryId() + "]";
    }
}
