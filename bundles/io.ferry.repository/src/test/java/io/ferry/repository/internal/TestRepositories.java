package io.ferry.repository.internal;

import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.repository.StoredChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared test helpers: small repositories, disk images, and a backup/restore loop like the mover's. */
final class TestRepositories {

    static final char[] PASSWORD = "correct horse battery".toCharArray();
    static final int SMALL_CHUNK = 64 << 10;
    static final InitOptions SMALL = new InitOptions(SMALL_CHUNK, 100_000);

    private TestRepositories() {
    }

    static Repository create(RepositoryService service, Path dir) {
        service.init(dir, PASSWORD, SMALL);
        return service.open(dir, PASSWORD);
    }

    /** Backs up {@code image} the way the mover does: all-zero chunks are zero entries, the rest stored. */
    static BackupInfo backup(Repository repo, String disk, byte[] image, boolean full) {
        BackupRequest request = new BackupRequest(disk, "file:/images/" + disk, image.length, full,
                Map.of("job", "test"));
        try (BackupWriter writer = repo.startBackup(request)) {
            int cs = writer.chunkSize();
            long read = 0;
            for (long i = 0; i * cs < image.length; i++) {
                int off = (int) (i * cs);
                int len = Math.min(cs, image.length - off);
                if (allZero(image, off, len)) {
                    writer.put(i, Optional.empty());
                    continue;
                }
                StoredChunk chunk = writer.store(ByteBuffer.wrap(image, off, len));
                read += len;
                writer.put(i, Optional.of(chunk.id()));
            }
            return writer.commit(read, "dedupe");
        }
    }

    static byte[] restore(Repository repo, String id) {
        try (BackupReader reader = repo.openBackup(id)) {
            BackupInfo info = reader.info();
            byte[] out = new byte[Math.toIntExact(info.size())];
            int cs = info.chunkSize();
            for (long i = 0; i < info.chunkCount(); i++) {
                int off = (int) (i * cs);
                int len = Math.min(cs, out.length - off);
                final long index = i;
                reader.chunk(index).ifPresent(c -> reader.read(c, ByteBuffer.wrap(out, off, len)));
            }
            return out;
        }
    }

    static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Text-like data that LZ4 compresses about 2-3x. */
    static byte[] compressible(int length, long seed) {
        Random random = new Random(seed);
        String[] words = {"backup", "chunk", "ferry", "disk", "proxy", "repository", "manifest", "verify ",
            "prune", "\n", "lorem", "ipsum", "0x7f3a", "kernel", "ext4", "inode"};
        StringBuilder sb = new StringBuilder(length + 32);
        while (sb.length() < length) {
            sb.append(words[random.nextInt(words.length)]).append(' ').append(random.nextInt(1000));
        }
        return sb.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * An OS-like image of {@code chunks} chunks of {@code chunkSize}: zero, compressible and
     * random chunks in a fixed pattern, a short last chunk when {@code tail > 0}.
     */
    static byte[] image(int chunks, int chunkSize, int tail, long seed) {
        byte[] image = new byte[chunks * chunkSize + tail];
        for (int i = 0; i < chunks; i++) {
            byte[] part = switch (i % 4) {
                case 0 -> compressible(chunkSize, seed * 1000 + i);
                case 1 -> random(chunkSize, seed * 1000 + i);
                case 2 -> new byte[chunkSize];
                default -> compressible(chunkSize, seed * 1000 + i);
            };
            System.arraycopy(part, 0, image, i * chunkSize, chunkSize);
        }
        if (tail > 0) {
            System.arraycopy(compressible(tail, seed), 0, image, chunks * chunkSize, tail);
        }
        return image;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file and directory under {@code root} with its size, modification time and content hash. */
    static Map<String, String> snapshot(Path root) {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(p -> {
                try {
                    String key = root.relativize(p).toString();
                    if (Files.isDirectory(p)) {
                        tree.put(key + "/", "dir");
                    } else {
                        tree.put(key, Files.size(p) + " " + Files.getLastModifiedTime(p) + " "
                                + sha256(Files.readAllBytes(p)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tree;
    }

    static long countChunkFiles(Path repoDir) {
        try (Stream<Path> paths = Files.walk(repoDir.resolve("chunks"))) {
            return paths.filter(p -> FileRepository.CHUNK_NAME.matcher(p.getFileName().toString()).matches()).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Total size of the chunk files. */
    static long chunkBytes(Path repoDir) {
        try (Stream<Path> paths = Files.walk(repoDir.resolve("chunks"))) {
            return paths.filter(p -> FileRepository.CHUNK_NAME.matcher(p.getFileName().toString()).matches())
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of entries in a directory (closing the listing: an open one keeps a mount busy). */
    static long countEntries(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path chunkFile(Path repoDir, String hex) {
        return repoDir.resolve("chunks").resolve(hex.substring(0, 2)).resolve(hex);
    }
}
