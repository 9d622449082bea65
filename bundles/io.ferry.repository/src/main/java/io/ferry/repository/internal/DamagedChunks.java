package io.ferry.repository.internal;

import io.ferry.api.repository.ChunkId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file {@code damaged}: the chunks the last verify found missing or damaged, one line
 * each: {@code <64 hex> <backup ids it broke, comma-separated, or -> <problem>}. Verify writes it (and moves damaged chunk files aside
 * as {@code <id>.bad}); backup writers read it when they start and never take a listed
 * chunk as stored without checking it; the next verify reports listed chunks that are
 * intact again as healed. Absent when nothing is known to be damaged.
 *
 * <p>Not authenticated: an entry only ever makes a writer check or rewrite a chunk, so a
 * forged entry costs a read, and a removed one is the state before this file existed.
 */
final class DamagedChunks {

    private static final Logger LOG = LoggerFactory.getLogger(DamagedChunks.class);
    static final String FILE = "damaged";

    private final Path file;
    private final Path tmpDir;

    DamagedChunks(Path root, Path tmpDir) {
        this.file = root.resolve(FILE);
        this.tmpDir = tmpDir;
    }

    Path file() {
        return file;
    }

    /** The recorded chunks with their problems; empty when the file is absent. */
    /**
     * One recorded chunk.
     *
     * @param problem what verify found
     * @param backups the backups it broke then
     */
    record Damage(String problem, Set<String> backups) {
        Damage {
            backups = Set.copyOf(new TreeSet<>(backups));
        }
    }

    Map<ChunkId, Damage> read() throws IOException {
        Map<ChunkId, Damage> entries = new TreeMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return entries;
        }
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.strip().split(" ", 3);
            if (fields.length < 3 || !FileRepository.CHUNK_NAME.matcher(fields[0]).matches()) {
                LOG.warn("Ignoring a malformed line in {}: {}", file, line);
                continue;
            }
            Set<String> backups = fields[1].equals("-") ? Set.of() : Set.of(fields[1].split(","));
            entries.put(ChunkId.of(HexFormat.of().parseHex(fields[0])), new Damage(fields[2], backups));
        }
        return entries;
    }

    /** The recorded chunk ids. */
    Set<ChunkId> suspects() throws IOException {
        return Set.copyOf(read().keySet());
    }

    /** Replaces the record durably; removes the file when {@code entries} is empty. */
    void write(Map<ChunkId, Damage> entries) throws IOException {
        if (entries.isEmpty()) {
            if (Files.deleteIfExists(file)) {
                DurableFiles.syncDirectory(file.getParent());
            }
            return;
        }
        StringBuilder text = new StringBuilder("# chunks the last ferry:verify found missing or damaged\n");
        new TreeMap<>(entries).forEach((id, damage) -> text.append(id.hex()).append(' ')
                .append(damage.backups().isEmpty() ? "-" : String.join(",", new TreeSet<>(damage.backups())))
                .append(' ').append(damage.problem().replace('\n', ' ')).append('\n'));
        Files.createDirectories(tmpDir);
        DurableFiles.write(tmpDir, file, text.toString().getBytes(StandardCharsets.UTF_8));
        DurableFiles.syncDirectory(file.getParent());
    }
}
