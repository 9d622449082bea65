package io.ferry.inventory.internal;

import io.ferry.api.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the newest committed version of an embedded H2 catalog that was not closed cleanly (Ferry killed,
 * the machine lost power), before H2 opens it.
 *
 * <p>Why: H2's MVStore (2.5.252, and its master of 2026) can open a file that was not closed cleanly at an
 * older version than the newest one it wrote, losing commits that were acknowledged and forced to disk.
 * At an unclean open it looks for the newest chunk only through the file header and the chain of
 * "next chunk" predictions, plus the chunk at the end of the file. When a chunk is written into a free gap
 * the previous chunk did not predict, the store header is rewritten, but {@code RandomAccessStore.writeChunk}
 * runs before {@code FileStore.storeBuffer} sets {@code lastChunk}, so the header names the previous chunk,
 * whose prediction does not lead to the new one. Every chunk written from there until the next header
 * write is on disk, complete, and unreachable: H2 opens at the older version. The fault suite found it
 * (FaultSuiteIT on H2: sessions stored SUCCESS came back RUNNING after kill -9, with their retention
 * prune already done); {@code H2RecoveryTest} builds such a file (its last commit lands in a gap).
 *
 * <p>What: when the file header does not carry H2's clean-shutdown mark, the store is opened once in
 * MVStore's recovery mode, which scans every block of the file for complete chunks and takes the newest
 * whose chunk set is complete, then closed (no compaction), which writes a header naming that chunk and
 * the clean mark. H2 then opens that version. A clean file is not touched. The scan reads the whole file:
 * about a second for a few MB, at start only, and only after an unclean stop.
 */
final class H2Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(H2Recovery.class);
    /** The two store-header blocks at the start of an MVStore file; each is a checksummed key:value map. */
    private static final int HEADER_BLOCK = 4096;

    private H2Recovery() {
    }

    /** The MVStore file of an embedded H2 database with base path {@code base}: {@code <base>.mv.db}. */
    static Path storeFile(Path base) {
        return base.resolveSibling(base.getFileName() + ".mv.db");
    }

    /**
     * Recovers {@code file} to its newest complete version if it was not closed cleanly.
     *
     * @return true if the file needed (and got) the full recovery, false if it is missing, new or clean
     * @throws FerryException if the file cannot be read or recovered (locked by another process, corrupt)
     */
    static boolean recoverIfUnclean(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            if (Files.size(file) < 2L * HEADER_BLOCK || closedCleanly(file)) {
                return false;
            }
        } catch (IOException e) {
            throw new FerryException("Cannot read the catalog " + file + ": " + e.getMessage(), e);
        }
        LOG.warn("The catalog {} was not closed cleanly (Ferry stopped abruptly): scanning the whole file for"
                + " its newest committed version before opening it", file);
        long t0 = System.nanoTime();
        long version;
        try {
            MVStore store = new MVStore.Builder().fileName(file.toString()).recoveryMode().open();
            try {
                version = store.getCurrentVersion();
            } finally {
                store.close(0);
            }
        } catch (RuntimeException e) {
            throw new FerryException("Cannot recover the catalog " + file + " after an unclean stop ("
                    + e.getMessage() + "). Is another Ferry using it? Keep a copy of the file before trying again",
                    e);
        }
        LOG.warn("The catalog {} is at version {} after scanning it ({} ms)", file, version,
                (System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    /**
     * Whether both header blocks carry H2's clean-shutdown mark ({@code clean:1}), which H2 writes when it
     * closes the store and removes with the first chunk written after opening it.
     */
    static boolean closedCleanly(Path file) throws IOException {
        byte[] head = new byte[2 * HEADER_BLOCK];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        return n == head.length && clean(head, 0) && clean(head, HEADER_BLOCK);
    }

    /** Whether the header block at {@code offset} (a line of comma-separated key:value pairs) has {@code clean:1}. */
    private static boolean clean(byte[] head, int offset) {
        String text = new String(head, offset, HEADER_BLOCK, StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        return end >= 0 && Arrays.asList(text.substring(0, end).split(",")).contains("clean:1");
    }
}
