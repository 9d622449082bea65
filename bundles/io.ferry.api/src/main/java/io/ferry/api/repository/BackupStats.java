package io.ferry.api.repository;

/**
 * Figures of one backup, kept in its manifest.
 *
 * @param readBytes      bytes read from the source
 * @param dataBytes      bytes of the disk in non-zero chunks (what a restore writes)
 * @param zeroBytes      bytes of the disk in zero or unallocated chunks (never read, never stored)
 * @param newChunks      chunks this backup added to the repository
 * @param reusedChunks   chunks this backup references that were already stored (dedupe, unchanged blocks)
 * @param newBytes       plaintext bytes of the added chunks
 * @param storedBytes    bytes written for the added chunks (compressed and encrypted)
 * @param changeTracking how unchanged data was found: "full" (everything read),
 *                       "dedupe" (everything allocated read, unchanged chunks deduplicated), or
 *                       "dirty-bitmap:NAME" (only changed blocks read)
 */
public record BackupStats(long readBytes, long dataBytes, long zeroBytes, long newChunks, long reusedChunks,
        long newBytes, long storedBytes, String changeTracking) {

    /** Deduplication ratio: logical non-zero bytes referenced / new plaintext bytes (>= 1; infinite shown as data/1). */
    public double dedupeRatio() {
        return dataBytes == 0 ? 1.0 : (double) dataBytes / Math.max(1, newBytes);
    }

    /** Compression ratio of the added chunks: plaintext / stored (1 when nothing was added). */
    public double compressionRatio() {
        return storedBytes == 0 ? 1.0 : (double) newBytes / storedBytes;
    }
}
