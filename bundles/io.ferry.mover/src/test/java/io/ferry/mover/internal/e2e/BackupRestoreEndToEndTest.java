package io.ferry.mover.internal.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskTarget;
import io.ferry.api.mover.Extent;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Progress;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import io.ferry.mover.internal.testing.Images;
import io.ferry.mover.internal.testing.NbdServer;
import io.ferry.mover.internal.testing.Tools;
import io.ferry.repository.internal.RepositoryServiceImpl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data path end to end, all real: images made by qemu-img, served by qemu-nbd and
 * nbdkit, read through libnbd / libc, stored in a real encrypted repository, restored
 * to sparse files and NBD exports, compared by sha256 (issue 5).
 */
@Timeout(120)
class BackupRestoreEndToEndTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();

    @TempDir
    static Path shared;
    static Path raw;
    static RepositoryServiceImpl repositories;

    @TempDir
    Path dir;

    private final DiskSourcesImpl sources = new DiskSourcesImpl();
    private final DataMoverImpl mover = new DataMoverImpl(3);

    @BeforeAll
    static void image() {
        raw = Images.raw(shared.resolve("disk.raw"));
        repositories = new RepositoryServiceImpl();
    }

    @AfterAll
    static void stop() {
        repositories.close();
    }

    private Repository newRepository() {
        Path path = dir.resolve("repo");
        repositories.init(path, PASSWORD, InitOptions.defaults().withKdfIterations(100_000));
        return repositories.open(path, PASSWORD);
    }

    private BackupInfo backup(Repository repo, String location, SourceOptions options, String disk,
            ProgressListener listener) throws IOException {
        try (DiskSource source = sources.open(location, options)) {
            return mover.backup(source, repo, BackupRequest.of(disk, source.description(), source.size()), listener);
        }
    }

    private Path restoreToFile(Repository repo, String backupId) throws IOException {
        Path out = dir.resolve("restored-" + backupId + ".raw");
        BackupInfo info = repo.backup(backupId);
        try (DiskTarget target = sources.create(out.toString(), info.size(), false, SourceOptions.defaults())) {
            RestoreResult result = mover.restore(repo, backupId, target, ProgressListener.NONE);
            assertEquals(info.size(), result.size());
        }
        return out;
    }

    @Test
    void aSparseRawFileIsBackedUpWithoutReadingHolesAndRestoredIdenticalAndSparse() throws IOException {
        try (Repository repo = newRepository()) {
            List<Progress> progress = new CopyOnWriteArrayList<>();
            BackupInfo info = backup(repo, raw.toString(), SourceOptions.defaults(), "vm1/disk0", progress::add);
            assertEquals(Images.SIZE, info.size());
            assertEquals("full", info.stats().changeTracking());
            long written = Images.LAYOUT.stream().mapToLong(Images.Region::length).sum();
            assertTrue(info.stats().readBytes() <= written + 4 * Images.MIB,
                    "holes are not read: read " + info.stats().readBytes() + " of " + written + " written bytes");
            assertTrue(info.stats().zeroBytes() >= 12L * Images.MIB, "zero chunks: " + info.stats());
            assertEquals(4 * Images.MIB, info.stats().dataBytes() - info.stats().newBytes(),
                    "the copy of the first chunk is stored once: " + info.stats());
            assertTrue(info.stats().storedBytes() < info.stats().newBytes(), "text compresses: " + info.stats());
            Progress last = progress.get(progress.size() - 1);
            assertEquals(Images.SIZE, last.done(), "the last progress report is complete");

            Path restored = restoreToFile(repo, info.id());
            assertEquals(Images.sha256(raw), Images.sha256(restored));
            assertTrue(Images.allocatedBytes(restored) <= Images.allocatedBytes(raw),
                    "restored allocation " + Images.allocatedBytes(restored) + " <= source's "
                            + Images.allocatedBytes(raw));
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok());
        }
    }

    @ParameterizedTest(name = "{0} over NBD")
    @ValueSource(strings = {"qcow2", "vmdk", "vhdx", "raw"})
    void everyPlatformsDiskFormatRoundTripsOverNbdAndDeduplicatesAgainstTheRawBackup(String format)
            throws IOException {
        try (Repository repo = newRepository()) {
            BackupInfo first = backup(repo, raw.toString(), SourceOptions.defaults(), "local", ProgressListener.NONE);
            Path image = format.equals("raw") ? raw : Images.convert(raw, format, dir.resolve("disk." + format));
            NbdServer.Spec spec = format.equals("raw") ? NbdServer.nbdkit(image) : NbdServer.qemuNbd(image, format);
            try (NbdServer server = spec.start(dir)) {
                BackupInfo overNbd = backup(repo, server.uri(), SourceOptions.defaults(), "nbd-" + format,
                        ProgressListener.NONE);
                assertEquals(0, overNbd.stats().newChunks(),
                        "the same content over NBD adds nothing (dedupe across disks): " + overNbd.stats());
                assertEquals(first.stats().dataBytes(), overNbd.stats().dataBytes());
                Path restored = restoreToFile(repo, overNbd.id());
                assertEquals(Images.sha256(raw), Images.sha256(restored), format + " restored identical");
            }
        }
    }

    @Test
    void aServerThatTakesOneClientAtATimeIsReadOverOneConnectionWithoutHanging() throws IOException {
        // qemu-nbd's default (--shared=1): a second connection is accepted but never answered
        Path qcow2 = Images.convert(raw, "qcow2", dir.resolve("single.qcow2"));
        try (Repository repo = newRepository();
                NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").singleClient().start(dir)) {
            BackupInfo info = backup(repo, server.uri(), SourceOptions.defaults(), "vm1/disk0", ProgressListener.NONE);
            assertEquals(Images.sha256(raw), Images.sha256(restoreToFile(repo, info.id())));
        }
    }

    @Test
    void anIncrementalWithADirtyBitmapReadsOnlyTheChangedChunks() throws IOException {
        Images.BitmapImage changed = Images.withDirtyBitmap(raw, dir, "ferry1", Images.SAMPLE_WRITES);
        try (Repository repo = newRepository()) {
            BackupInfo full = backup(repo, raw.toString(), SourceOptions.defaults(), "vm1/disk0", ProgressListener.NONE);
            try (NbdServer server = NbdServer.qemuNbd(changed.qcow2(), "qcow2").bitmap("ferry1").start(dir)) {
                BackupInfo incremental = backup(repo, server.uri(), SourceOptions.defaults().withDirtyBitmap("ferry1"),
                        "vm1/disk0", ProgressListener.NONE);
                assertEquals(full.id(), incremental.parent());
                assertEquals("dirty-bitmap:ferry1", incremental.stats().changeTracking());
                long dirtyChunks = changed.expectedChanges().stream()
                        .flatMap(e -> java.util.stream.LongStream
                                .rangeClosed(e.offset() / (4 * Images.MIB), (e.end() - 1) / (4 * Images.MIB)).boxed())
                        .distinct().count();
                assertTrue(incremental.stats().readBytes() <= dirtyChunks * 4 * Images.MIB,
                        "read " + incremental.stats().readBytes() + " bytes for " + dirtyChunks + " dirty chunks");
                assertTrue(incremental.stats().readBytes() > 0);
                assertEquals(Images.sha256(changed.modifiedRaw()), Images.sha256(restoreToFile(repo, incremental.id())),
                        "parent's unchanged chunks + changed chunks = the modified disk");
                assertEquals(Images.sha256(raw), Images.sha256(restoreToFile(repo, full.id())),
                        "the parent backup is untouched");
            }
        }
    }

    @Test
    void withoutABitmapAnIncrementalStoresOnlyTheChangedChunks() throws IOException {
        Images.BitmapImage changed = Images.withDirtyBitmap(raw, dir, "b", Images.SAMPLE_WRITES);
        try (Repository repo = newRepository()) {
            BackupInfo full = backup(repo, raw.toString(), SourceOptions.defaults(), "vm1/disk0", ProgressListener.NONE);
            BackupInfo second = backup(repo, changed.modifiedRaw().toString(), SourceOptions.defaults(), "vm1/disk0",
                    ProgressListener.NONE);
            assertEquals(full.id(), second.parent());
            assertEquals("dedupe", second.stats().changeTracking());
            assertTrue(second.stats().newChunks() >= 1 && second.stats().newChunks() <= 4,
                    "only the chunks the writes touched are new: " + second.stats());
            assertEquals(Images.sha256(changed.modifiedRaw()), Images.sha256(restoreToFile(repo, second.id())));
        }
    }

    @Test
    void aRestoreToAnNbdExportMatchesTheSource() throws IOException {
        try (Repository repo = newRepository()) {
            BackupInfo info = backup(repo, raw.toString(), SourceOptions.defaults(), "vm1/disk0", ProgressListener.NONE);
            Path target = Images.emptyQcow2(dir.resolve("target.qcow2"), Images.SIZE);
            try (NbdServer server = NbdServer.qemuNbd(target, "qcow2").writable().start(dir);
                    DiskTarget nbd = sources.create(server.uri(), Images.SIZE, true, SourceOptions.defaults())) {
                RestoreResult result = mover.restore(repo, info.id(), nbd, ProgressListener.NONE);
                assertTrue(result.writtenBytes() > 0);
            }
            Tools.run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), target.toString());
        }
    }

    @Test
    void anNbdServerThatDiesMidBackupLeavesNoPartialBackupAndTheNextRunSucceeds() throws IOException {
        Path qcow2 = Images.convert(raw, "qcow2", dir.resolve("disk.qcow2"));
        try (Repository repo = newRepository()) {
            BackupInfo earlier = backup(repo, raw.toString(), SourceOptions.defaults(), "other", ProgressListener.NONE);
            try (NbdServer server = NbdServer.qemuNbd(qcow2, "qcow2").start(dir);
                    DiskSource source = new KillAfterFirstRead(sources.open(server.uri(), SourceOptions.defaults()),
                            server)) {
                FerryException e = assertThrows(FerryException.class, () -> mover.backup(source, repo,
                        BackupRequest.of("vm1/disk0", source.description(), source.size()), ProgressListener.NONE));
                assertTrue(e.getMessage().contains(source.description()), e.getMessage());
                assertTrue(e.getMessage().contains("Nothing of this backup is visible"), e.getMessage());
            }
            assertEquals(List.of(earlier.id()), repo.backups().stream().map(BackupInfo::id).toList(),
                    "no partial backup is listed");
            assertTrue(repo.verify(List.of(), ProgressListener.NONE).ok(), "the earlier backup is intact");
            try (NbdServer again = NbdServer.qemuNbd(qcow2, "qcow2").start(Files.createDirectories(dir.resolve("again")))) {
                BackupInfo retry = backup(repo, again.uri(), SourceOptions.defaults(), "vm1/disk0",
                        ProgressListener.NONE);
                assertEquals(Images.sha256(raw), Images.sha256(restoreToFile(repo, retry.id())));
            }
        }
    }

    @Test
    void aCancelledBackupIsNotVisible() throws IOException {
        try (Repository repo = newRepository()) {
            AtomicBoolean cancel = new AtomicBoolean();
            ProgressListener listener = new ProgressListener() {
                @Override
                public void progress(Progress p) {
                }

                @Override
                public boolean cancelRequested() {
                    return cancel.getAndSet(true); // false once, then cancelled
                }
            };
            RepositoryException e = assertThrows(RepositoryException.class,
                    () -> backup(repo, raw.toString(), SourceOptions.defaults(), "vm1/disk0", listener));
            assertEquals(RepositoryException.Reason.CANCELLED, e.reason());
            assertTrue(repo.backups().isEmpty());
        }
    }

    /** A real NBD source whose server is killed right after the first read. */
    private static final class KillAfterFirstRead implements DiskSource {
        private final DiskSource delegate;
        private final NbdServer server;
        private final AtomicBoolean killed = new AtomicBoolean();

        KillAfterFirstRead(DiskSource delegate, NbdServer server) {
            this.delegate = delegate;
            this.server = server;
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public List<Extent> extents(long offset, long length) throws IOException {
            return delegate.extents(offset, length);
        }

        @Override
        public Optional<String> changedBlockTracking() {
            return delegate.changedBlockTracking();
        }

        @Override
        public List<Extent> changed(long offset, long length) throws IOException {
            return delegate.changed(offset, length);
        }

        @Override
        public void read(ByteBuffer dst, long offset) throws IOException {
            delegate.read(dst, offset);
            if (killed.compareAndSet(false, true)) {
                server.kill();
            }
        }

        @Override
        public int maxParallelReads() {
            return delegate.maxParallelReads();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
