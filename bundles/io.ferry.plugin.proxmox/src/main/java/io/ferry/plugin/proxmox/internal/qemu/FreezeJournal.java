package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What Ferry is about to do to a running VM, recorded durably before it does it, so that a
 * Ferry killed in between can undo it at its next start: which guest it may freeze (the agent
 * socket), on which QMP socket, with which scratch directory, and which dirty bitmaps the views
 * rotate. One file per VM ({@code <vm-short-id>.json}, mode 0600, in a 0700 directory), written
 * to a temporary file, forced to disk, renamed into place, and the directory forced as well,
 * before the first {@code blockdev-add} and {@code guest-fsfreeze-freeze}; removed once the
 * guest is confirmed thawed and the views ended cleanly. An entry that is still there at the
 * next start is the trace of a Ferry that died (see {@link QemuPointInTimeProvider#recover()}).
 *
 * <p>Entries held by views open in this JVM are {@linkplain #isLive live} and never recovered;
 * an entry written by another process that is still running (same pid and start time) neither.
 */
final class FreezeJournal {

    /** One disk's bitmap rotation: {@code previous} is disabled and {@code recording} added in the views' transaction. */
    record Disk(String node, Optional<String> previous, String recording) {
        Disk {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(recording, "recording");
        }
    }

    /** A recorded intent; {@code file} is where it is stored. */
    record Entry(Path file, String vm, Path qmpSocket, Optional<Path> agentSocket, Path workDir, long pid,
            String processStart, Instant written, List<Disk> disks) {
        Entry {
            disks = List.copyOf(disks);
        }

        /** Written by another process that is still running (not a dead one whose pid was reused). */
        boolean ownedByAnotherLiveProcess() {
            ProcessHandle self = ProcessHandle.current();
            if (pid == self.pid()) {
                return false;
            }
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(p -> p.info().startInstant().map(Instant::toString).orElse("").equals(processStart))
                    .orElse(false);
        }
    }

    /** Journal files of views open in this JVM (one provider instance may replace another, e.g. after a config change). */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;

    FreezeJournal(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    Path dir() {
        return dir;
    }

    Path fileOf(String vmShortId) {
        return dir.resolve(vmShortId + ".json");
    }

    static boolean isLive(Path file) {
        return LIVE.contains(file);
    }

    /** Records the intent durably and marks it live; returns its entry. */
    Entry write(Path file, String vm, Path qmpSocket, Optional<Path> agentSocket, Path workDir, List<Disk> disks) {
        ProcessHandle self = ProcessHandle.current();
        Entry entry = new Entry(file, vm, qmpSocket, agentSocket, workDir, self.pid(),
                self.info().startInstant().map(Instant::toString).orElse(""), Instant.now(), disks);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("vm", vm);
        json.put("qmp", qmpSocket.toString());
        json.put("agent", agentSocket.map(Path::toString).orElse(null));
        json.put("workDir", workDir.toString());
        json.put("pid", entry.pid());
        json.put("processStart", entry.processStart());
        json.put("written", entry.written().toString());
        List<Object> list = new ArrayList<>();
        for (Disk d : disks) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("node", d.node());
            one.put("previous", d.previous().orElse(null));
            one.put("recording", d.recording());
            list.add(one);
        }
        json.put("disks", list);
        byte[] bytes = (Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            createDirectory();
            Files.deleteIfExists(tmp);
            try (FileChannel ch = POSIX
                    ? FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        } catch (IOException e) {
            throw new FerryException("Cannot record in " + file + " that Ferry is about to freeze VM '" + vm + "' and take"
                    + " views of its disks (" + e + "); without that record a crash could leave the guest frozen, so"
                    + " nothing was done. Is " + dir + " writable, with room?", e);
        }
        LIVE.add(file);
        return entry;
    }

    /** Removes an entry: the guest is thawed and the views ended; never throws. */
    void remove(Entry entry) {
        try {
            Files.deleteIfExists(entry.file());
            forceDirectory();
        } catch (IOException e) {
            // harmless: the next start finds the guest thawed and nothing left in QEMU
            org.slf4j.LoggerFactory.getLogger(FreezeJournal.class).warn("Could not remove the freeze journal entry {}: {}",
                    entry.file(), e.toString());
        } finally {
            LIVE.remove(entry.file());
        }
    }

    /** Keeps an entry on disk for the next start (the guest may still be frozen), but no longer as live. */
    void release(Entry entry) {
        LIVE.remove(entry.file());
    }

    /** The entries on disk that no open view of this JVM holds, oldest first; unreadable files are reported, not thrown. */
    List<Entry> stale(List<String> problems) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            problems.add("cannot list " + dir + ": " + e);
            return out;
        }
        for (Path f : files) {
            if (isLive(f)) {
                continue;
            }
            read(f, problems).ifPresent(out::add);
        }
        return out;
    }

    /** The entry in {@code file}, if there is one no open view of this JVM holds. */
    Optional<Entry> staleEntry(Path file, List<String> problems) {
        if (isLive(file) || !Files.exists(file)) {
            return Optional.empty();
        }
        return read(file, problems);
    }

    private static Optional<Entry> read(Path f, List<String> problems) {
        try {
            Map<String, Object> json = Json.object(Json.parse(Files.readString(f, StandardCharsets.UTF_8)), "journal " + f);
            List<Disk> disks = new ArrayList<>();
            for (Object o : Json.array(json.get("disks"), "disks of " + f)) {
                Map<String, Object> d = Json.object(o, "disk of " + f);
                disks.add(new Disk(Json.text(d, "node"), Json.optionalText(d, "previous"), Json.text(d, "recording")));
            }
            return Optional.of(new Entry(f, Json.text(json, "vm"), Path.of(Json.text(json, "qmp")),
                    Json.optionalText(json, "agent").map(Path::of), Path.of(Json.text(json, "workDir")),
                    Json.number(json, "pid"), Json.optionalText(json, "processStart").orElse(""),
                    Instant.parse(Json.text(json, "written")), disks));
        } catch (IOException | RuntimeException e) {
            problems.add("cannot read the freeze journal entry " + f + " (" + e.getMessage() + "); check that guest and"
                    + " remove the file by hand");
            return Optional.empty();
        }
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        FileAttribute<?>[] attrs = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, attrs);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another thread made it
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
