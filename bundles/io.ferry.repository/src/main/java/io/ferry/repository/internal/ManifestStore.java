package io.ferry.repository.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The {@code backups/} directory: one encrypted manifest per complete backup, named by the
 * backup id. A manifest has two separately authenticated parts, so that listing backups
 * decrypts only the small headers. Headers are cached (manifests never change).
 */
final class ManifestStore {

    static final Pattern ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}");
    static final byte[] MAGIC = {'F', 'R', 'Y', 'M'};
    static final int FIXED_HEADER = 16;
    private static final int NONCE = 12;
    private static final int TAG = 16;
    private static final int MAX_HEADER = 16 << 20;
    static final Comparator<BackupInfo> OLDEST_FIRST =
            Comparator.comparing(BackupInfo::started).thenComparing(BackupInfo::id);

    private final Path dir;
    private final Path tmpDir;
    private final MasterKeys keys;
    private final SecureRandom random;
    private final Map<String, BackupInfo> headers = new ConcurrentHashMap<>();

    /**
     * The manifests found.
     *
     * @param backups    readable ones, oldest first
     * @param unreadable ids of manifests that cannot be read, with the problem
     */
    record Listing(List<BackupInfo> backups, Map<String, String> unreadable) {
        Listing {
            backups = List.copyOf(backups);
            unreadable = Map.copyOf(unreadable);
        }

        /** Ids of all manifests: the readable ones oldest first, then the unreadable ones. */
        Set<String> allIds() {
            Set<String> ids = new LinkedHashSet<>();
            backups.forEach(b -> ids.add(b.id()));
            ids.addAll(new TreeSet<>(unreadable.keySet()));
            return ids;
        }

        /** The newest complete backup of {@code disk}. */
        Optional<BackupInfo> latest(String disk) {
            return backups.stream().filter(b -> b.disk().equals(disk)).max(OLDEST_FIRST);
        }

        /**
         * The parent of a new backup: none for a full one, exactly the named one (refused when it
         * is gone or of another disk: a base chosen otherwise would silently combine changed
         * blocks with the wrong data), else the latest complete backup of the disk.
         *
         * @param where the repository as messages name it ({@code repository /path})
         */
        Optional<BackupInfo> parentOf(BackupRequest request, String where) {
            if (request.full()) {
                return Optional.empty();
            }
            if (request.parent() == null) {
                return latest(request.disk());
            }
            String wanted = request.parent();
            if (unreadable.containsKey(wanted)) {
                throw new RepositoryException(Reason.CORRUPT, "the parent backup " + wanted + " of disk '"
                        + request.disk() + "' in " + where + " cannot be read (" + unreadable.get(wanted)
                        + "); run ferry:verify, or take a full backup");
            }
            BackupInfo parent = backups.stream().filter(b -> b.id().equals(wanted)).findFirst()
                    .orElseThrow(() -> new NotFoundException("The parent backup " + wanted + " named for a backup of"
                            + " disk '" + request.disk() + "' is not in " + where
                            + " (pruned or deleted): take a full backup, or name a parent that exists"));
            if (!parent.disk().equals(request.disk())) {
                throw new ValidationException("parent", "backup " + wanted + " in " + where + " is of disk '"
                        + parent.disk() + "', not '" + request.disk() + "': a backup's parent must be of the same"
                        + " disk");
            }
            return Optional.of(parent);
        }

        /**
         * The id of the backup {@code idOrPrefix} names: a whole id, or a prefix of exactly one.
         *
         * @param where the repository as messages name it ({@code repository /path})
         */
        String resolve(String idOrPrefix, String where) {
            if (idOrPrefix == null || idOrPrefix.isBlank()) {
                throw new ValidationException("backup", "no backup id given");
            }
            Set<String> ids = allIds();
            if (ids.contains(idOrPrefix)) {
                return idOrPrefix;
            }
            List<String> matches = ids.stream().filter(id -> id.startsWith(idOrPrefix)).toList();
            if (matches.isEmpty()) {
                throw new NotFoundException("No backup '" + idOrPrefix + "' in " + where + " (see ferry:backups)");
            }
            if (matches.size() > 1) {
                throw new ValidationException("backup", "'" + idOrPrefix + "' matches " + matches.size()
                        + " backups in " + where + ": " + String.join(", ", matches) + "; give more of the id");
            }
            return matches.get(0);
        }
    }

    ManifestStore(Path dir, Path tmpDir, MasterKeys keys, SecureRandom random) {
        this.dir = dir;
        this.tmpDir = tmpDir;
        this.keys = keys;
        this.random = random;
    }

    Path dir() {
        return dir;
    }

    Path path(String id) {
        return dir.resolve(id);
    }

    Listing list() throws IOException {
        Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (ID.matcher(name).matches()) {
                    ids.add(name);
                }
            }
        }
        headers.keySet().retainAll(ids);
        List<BackupInfo> backups = new ArrayList<>();
        Map<String, String> unreadable = new TreeMap<>();
        for (String id : ids) {
            try {
                backups.add(header(id));
            } catch (NoSuchFileException e) {
                // removed by a prune since the directory was listed
            } catch (IntegrityException e) {
                unreadable.put(id, e.problem());
            }
        }
        backups.sort(OLDEST_FIRST);
        return new Listing(backups, unreadable);
    }

    /** The header of one manifest (cached). */
    BackupInfo header(String id) throws IOException, IntegrityException {
        BackupInfo cached = headers.get(id);
        if (cached != null) {
            return cached;
        }
        try (FileChannel ch = FileChannel.open(path(id), StandardOpenOption.READ)) {
            byte[] fixed = readFully(ch, 0, FIXED_HEADER, id);
            int headerLength = checkFixedHeader(fixed, ch.size());
            byte[] part = readFully(ch, FIXED_HEADER, NONCE + headerLength + TAG, id);
            BackupInfo info = decodeHeader(id, fixed, ByteBuffer.wrap(part));
            headers.put(id, info);
            return info;
        }
    }

    /** The whole manifest. */
    Manifest read(String id) throws IOException, IntegrityException {
        ByteBuffer file;
        try (FileChannel ch = FileChannel.open(path(id), StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < FIXED_HEADER || size > Integer.MAX_VALUE - 64) {
                throw IntegrityException.unreadable("manifest file has " + size + " bytes");
            }
            // direct: SunJCE decrypts large direct buffers fast (see CipherWarmUp)
            file = ByteBuffer.allocateDirect((int) size);
            while (file.hasRemaining() && ch.read(file) >= 0) {
                // keep reading
            }
            if (file.hasRemaining()) {
                throw IntegrityException.unreadable("manifest " + id + " shrank while it was read");
            }
        } catch (NoSuchFileException e) {
            throw new IntegrityException(IntegrityException.MISSING, e);
        }
        file.flip();
        Manifest manifest = open(id, file);
        headers.putIfAbsent(id, manifest.info());
        return manifest;
    }

    /**
     * Decrypts and checks a whole manifest image (position 0 to its limit): the file
     * {@code backups/<id>}, wherever it came from (the key side reads it through a store link).
     */
    Manifest open(String id, ByteBuffer file) throws IntegrityException {
        file = file.duplicate().position(0);
        byte[] fixed = new byte[FIXED_HEADER];
        if (file.limit() < FIXED_HEADER) {
            throw IntegrityException.unreadable("manifest " + id + " is truncated");
        }
        file.get(0, fixed);
        int headerLength = checkFixedHeader(fixed, file.limit());
        int tableLength = ByteBuffer.wrap(fixed, 12, 4).getInt();
        int tableStart = FIXED_HEADER + NONCE + headerLength + TAG;
        if (tableLength < 0 || (long) tableStart + NONCE + tableLength + TAG != file.limit()) {
            throw new IntegrityException(IntegrityException.AUTHENTICATION_FAILED);
        }
        BackupInfo info = decodeHeader(id, fixed, file.duplicate().position(FIXED_HEADER).limit(tableStart));
        byte[] table = decrypt(id, fixed, 2, file.duplicate().position(tableStart).limit(file.limit()));
        return new Manifest(info, ManifestCodec.decodeTable(table, info.chunkCount()));
    }

    /**
     * Decrypts the header of a manifest from the first {@link #headerImageLength} bytes of its
     * image (or more); {@code fileLength} is the length of the whole file.
     */
    BackupInfo openHeader(String id, ByteBuffer prefix, long fileLength) throws IntegrityException {
        prefix = prefix.duplicate().position(0);
        if (prefix.limit() < FIXED_HEADER) {
            throw IntegrityException.unreadable("manifest " + id + " is truncated");
        }
        byte[] fixed = new byte[FIXED_HEADER];
        prefix.get(0, fixed);
        int headerLength = checkFixedHeader(fixed, fileLength);
        int end = FIXED_HEADER + NONCE + headerLength + TAG;
        if (prefix.limit() < end) {
            throw IntegrityException.unreadable("manifest " + id + " is truncated");
        }
        return decodeHeader(id, fixed, prefix.duplicate().position(FIXED_HEADER).limit(end));
    }

    /**
     * The length of the part of a manifest image that holds its fixed header and its encrypted
     * header (what listing backups needs), checked without the key: the magic, the version and
     * the lengths against {@code fileLength}. Used by the storage side, which has no key.
     */
    static int headerImageLength(ByteBuffer image) throws IntegrityException {
        int headerLength = checkStructure(image);
        return FIXED_HEADER + NONCE + headerLength + TAG;
    }

    /**
     * Checks a manifest image (position 0 to its limit) without the key: magic, version,
     * flags, and that the two parts' lengths add up to the image's length.
     *
     * @return the header plaintext length
     */
    static int checkStructure(ByteBuffer image) throws IntegrityException {
        if (image.limit() < FIXED_HEADER + 2 * (NONCE + TAG)) {
            throw IntegrityException.unreadable("a manifest has at least " + (FIXED_HEADER + 2 * (NONCE + TAG))
                    + " bytes, not " + image.limit());
        }
        byte[] fixed = new byte[FIXED_HEADER];
        image.get(0, fixed);
        int headerLength = checkFixedHeader(fixed, image.limit());
        if (fixed[5] != 0 || fixed[6] != 0 || fixed[7] != 0) {
            throw IntegrityException.unreadable("manifest flags or reserved bytes are not zero");
        }
        long tableLength = ByteBuffer.wrap(fixed, 12, 4).getInt();
        if (tableLength < 0 || FIXED_HEADER + 2L * (NONCE + TAG) + headerLength + tableLength != image.limit()) {
            throw IntegrityException.unreadable("manifest part lengths " + headerLength + " + " + tableLength
                    + " do not match its length " + image.limit());
        }
        return headerLength;
    }

    /** Writes a manifest atomically and syncs the directory: afterwards the backup exists. */
    void write(Manifest manifest) throws IOException {
        ByteBuffer out = seal(manifest);
        DurableFiles.write(tmpDir, path(manifest.info().id()), out);
        DurableFiles.syncDirectory(dir);
        headers.put(manifest.info().id(), manifest.info());
    }

    /** Encrypts a manifest into the image of its file (position 0, limit its length). */
    ByteBuffer seal(Manifest manifest) {
        String id = manifest.info().id();
        byte[] header = ManifestCodec.encodeHeader(manifest.info());
        byte[] table = ManifestCodec.encodeTable(manifest.table());
        byte[] fixed = ByteBuffer.allocate(FIXED_HEADER).put(MAGIC).put((byte) RepositoryConfig.FORMAT_VERSION)
                .put((byte) 0).putShort((short) 0).putInt(header.length).putInt(table.length).array();
        ByteBuffer out = ByteBuffer.allocateDirect(FIXED_HEADER + 2 * (NONCE + TAG) + header.length + table.length);
        out.put(fixed);
        try {
            encrypt(id, fixed, 1, header, out);
            encrypt(id, fixed, 2, table, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt manifest " + id + ": " + e.getMessage(), e);
        }
        out.flip();
        return out;
    }

    void delete(String id) throws IOException {
        Files.deleteIfExists(path(id));
        headers.remove(id);
    }

    private static int checkFixedHeader(byte[] fixed, long fileLength) throws IntegrityException {
        for (int i = 0; i < MAGIC.length; i++) {
            if (fixed[i] != MAGIC[i]) {
                throw IntegrityException.unreadable("not a Ferry manifest (bad magic)");
            }
        }
        if (fixed[4] != RepositoryConfig.FORMAT_VERSION) {
            throw IntegrityException.unreadable("manifest format version " + fixed[4] + " is not supported");
        }
        int headerLength = ByteBuffer.wrap(fixed, 8, 4).getInt();
        if (headerLength <= 0 || headerLength > MAX_HEADER
                || FIXED_HEADER + NONCE + headerLength + TAG > fileLength) {
            throw new IntegrityException(IntegrityException.AUTHENTICATION_FAILED);
        }
        return headerLength;
    }

    private BackupInfo decodeHeader(String id, byte[] fixed, ByteBuffer part) throws IntegrityException {
        BackupInfo info = ManifestCodec.decodeHeader(decrypt(id, fixed, 1, part));
        if (!info.id().equals(id)) {
            throw IntegrityException.unreadable("manifest " + id + " holds backup " + info.id());
        }
        return info;
    }

    private void encrypt(String id, byte[] fixed, int part, byte[] plain, ByteBuffer out)
            throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        out.put(nonce);
        Cipher cipher = cipher(Cipher.ENCRYPT_MODE, id, fixed, part, nonce);
        cipher.doFinal(ByteBuffer.wrap(plain), out);
    }

    /** Decrypts one part: {@code part} holds its nonce, ciphertext and tag. */
    private byte[] decrypt(String id, byte[] fixed, int part, ByteBuffer sealed) throws IntegrityException {
        try {
            byte[] nonce = new byte[NONCE];
            sealed.get(nonce);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, id, fixed, part, nonce);
            ByteBuffer plain = ByteBuffer.allocate(Math.max(0, sealed.remaining() - TAG));
            cipher.doFinal(sealed, plain);
            return plain.array();
        } catch (AEADBadTagException e) {
            throw new IntegrityException(IntegrityException.AUTHENTICATION_FAILED, e);
        } catch (GeneralSecurityException e) {
            throw IntegrityException.unreadable(e.toString());
        }
    }

    private Cipher cipher(int mode, String id, byte[] fixed, int part, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, keys.dataKey(), new GCMParameterSpec(TAG * 8, nonce));
        cipher.updateAAD(fixed);
        cipher.updateAAD(("manifest" + id).getBytes(StandardCharsets.US_ASCII));
        cipher.updateAAD(new byte[] {(byte) part});
        return cipher;
    }

    private static byte[] readFully(FileChannel ch, long position, int length, String id)
            throws IOException, IntegrityException {
        if (position + length > ch.size()) {
            throw IntegrityException.unreadable("manifest " + id + " is truncated");
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw IntegrityException.unreadable("manifest " + id + " is truncated");
            }
        }
        return buf.array();
    }
}
