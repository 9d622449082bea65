package io.ferry.api.repository;

/**
 * Settings fixed when a repository is created.
 *
 * @param chunkSize     chunk size in bytes: a power of two from 64 KiB to 16 MiB; default 4 MiB
 * @param kdfIterations PBKDF2-HMAC-SHA256 iterations that turn the password into the key
 *                      that encrypts the master key; from {@value #MIN_KDF_ITERATIONS} to
 *                      {@value #MAX_KDF_ITERATIONS}, default 600 000. Opening a repository
 *                      whose key file names a count outside these bounds is refused (a
 *                      huge count would make every open spin for hours).
 */
public record InitOptions(int chunkSize, int kdfIterations) {

    public static final int DEFAULT_CHUNK_SIZE = 4 << 20;
    public static final int DEFAULT_KDF_ITERATIONS = 600_000;
    /** The fewest PBKDF2 iterations a repository may be created or opened with. @since 1.1 */
    public static final int MIN_KDF_ITERATIONS = 100_000;
    /** The most PBKDF2 iterations a repository may be created or opened with (about 5 s per open). @since 1.1 */
    public static final int MAX_KDF_ITERATIONS = 10_000_000;

    public InitOptions {
        if (chunkSize < (64 << 10) || chunkSize > (16 << 20) || Integer.bitCount(chunkSize) != 1) {
            throw new io.ferry.api.ValidationException("chunkSize",
                    chunkSize + " is not a power of two between 65536 (64 KiB) and 16777216 (16 MiB)");
        }
        if (kdfIterations < MIN_KDF_ITERATIONS) {
            throw new io.ferry.api.ValidationException("kdfIterations",
                    kdfIterations + " is too few; use at least " + MIN_KDF_ITERATIONS);
        }
        if (kdfIterations > MAX_KDF_ITERATIONS) {
            throw new io.ferry.api.ValidationException("kdfIterations",
                    kdfIterations + " is too many (every open would take minutes); use at most " + MAX_KDF_ITERATIONS);
        }
    }

    public static InitOptions defaults() {
        return new InitOptions(DEFAULT_CHUNK_SIZE, DEFAULT_KDF_ITERATIONS);
    }

    public InitOptions withChunkSize(int size) {
        return new InitOptions(size, kdfIterations);
    }

    public InitOptions withKdfIterations(int iterations) {
        return new InitOptions(chunkSize, iterations);
    }
}
