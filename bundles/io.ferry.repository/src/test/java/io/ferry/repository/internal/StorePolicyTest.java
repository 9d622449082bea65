package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.StoredChunk;
import io.ferry.repository.remote.ImmutableBackupException;
import io.ferry.repository.remote.RemoteRepositories;
import io.ferry.repository.remote.RepositoryStore;
import io.ferry.repository.remote.StorePruneResult;
import io.ferry.repository.remote.StoreRules;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the storage side enforces whoever asks (issue 12, item 3, after the Veeam anchor: a
 * hardened repository): append-only mode from its local policy file, and per-backup lock dates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorePolicyTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private Path newRepository() {
        Path dir = tmp.resolve("r");
        service.init(dir, PASSWORD, TestRepositories.SMALL);
        return dir;
    }

    private static BackupInfo backup(RepositoryStore store, String disk, Map<String, String> labels) {
        return backup(store, disk, labels, disk.hashCode());
    }

    /** A one-chunk backup of data made from {@code seed}. */
    private static BackupInfo backup(RepositoryStore store, String disk, Map<String, String> labels, long seed) {
        try (Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            byte[] data = TestRepositories.compressible(SMALL_CHUNK, seed);
            try (BackupWriter writer = remote.startBackup(
                    BackupRequest.of(disk, "file:/" + disk, data.length).withLabels(labels))) {
                StoredChunk c = writer.store(ByteBuffer.wrap(data));
                writer.put(0, Optional.of(c.id()));
                return writer.commit(data.length, "full");
            }
        }
    }

    private static Throwable deleteFailure(RepositoryStore store, String id) {
        return assertThrows(CompletionException.class, () -> store.deleteBackup(id).join()).getCause();
    }

    @Test
    void anAppendOnlyStoreRefusesEveryDeleteUntilItsOwnPolicyChanges() throws IOException {
        Path dir = newRepository();
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            BackupInfo b = backup(store, "d", Map.of());
            Files.writeString(dir.resolve("store-policy.properties"), "# set on the repository server\nappend-only=true\n");
            Throwable refused = deleteFailure(store, b.id());
            assertInstanceOf(ImmutableBackupException.class, refused);
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            assertTrue(Files.exists(dir.resolve("backups").resolve(b.id())));

            Files.writeString(dir.resolve("store-policy.properties"), "append-only=false\n");
            store.deleteBackup(b.id()).join();
            assertFalse(Files.exists(dir.resolve("backups").resolve(b.id())));
        }
    }

    @Test
    void aLockedBackupCannotBeDeletedBeforeItsDateAndThenCan() throws IOException {
        Path dir = newRepository();
        MovableClock clock = new MovableClock();
        try (FileRepositoryStore store = FileRepositoryStore.open(dir, Duration.ofMinutes(10), clock)) {
            Instant until = clock.instant().plus(Duration.ofDays(2));
            BackupInfo b = backup(store, "d", RemoteRepositoryTest.labels(until.toString()));
            assertEquals(until.toString(), Files.readString(dir.resolve("retention").resolve(b.id())).strip());

            Throwable refused = deleteFailure(store, b.id());
            assertInstanceOf(ImmutableBackupException.class, refused);
            assertTrue(refused.getMessage().contains("immutable until " + until), refused.getMessage());
            assertTrue(Files.exists(dir.resolve("backups").resolve(b.id())));

            clock.advance(Duration.ofDays(3));
            store.deleteBackup(b.id()).join();
            assertFalse(Files.exists(dir.resolve("backups").resolve(b.id())));
            assertFalse(Files.exists(dir.resolve("retention").resolve(b.id())));
        }
    }

    @Test
    void aLocalPruneKeepsALockedBackupWhateverTheRetentionPolicySays() {
        Path dir = newRepository();
        BackupInfo locked;
        BackupInfo unlocked;
        BackupInfo newest;
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            locked = backup(store, "d", RemoteRepositoryTest.labels(Instant.now().plus(Duration.ofDays(1)).toString()));
            unlocked = backup(store, "d", Map.of());
            newest = backup(store, "d", Map.of());
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            PruneReport report = local.prune(new RetentionPolicy(1, 0, 0, 0), false, ProgressListener.NONE);
            assertEquals(List.of(unlocked.id()), report.removedBackups());
            assertTrue(report.keptBackups().containsAll(List.of(locked.id(), newest.id())), report.toString());
        }
    }

    @Test
    void aPruneThroughTheLinkRemovesOldBackupsAndTheirChunksButKeepsLockedOnes() {
        Path dir = newRepository();
        BackupInfo locked;
        BackupInfo old;
        BackupInfo newest;
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            locked = backup(store, "d", RemoteRepositoryTest.labels(Instant.now().plus(Duration.ofDays(1)).toString()), 1);
            old = backup(store, "d", Map.of(), 2);
            newest = backup(store, "d", Map.of(), 3);
            assertEquals(3, TestRepositories.countChunkFiles(dir));
            try (Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
                PruneReport dry = remote.prune(RetentionPolicy.keepLast(1), true, ProgressListener.NONE);
                assertEquals(List.of(old.id()), dry.removedBackups());
                assertEquals(1, dry.removedChunks());
                assertEquals(3, TestRepositories.countChunkFiles(dir), "a dry run changes nothing");
                assertEquals(3, remote.backups().size());

                PruneReport report = remote.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE);
                assertEquals(List.of(old.id()), report.removedBackups());
                assertEquals(List.of(locked.id(), newest.id()), report.keptBackups(), "the locked one is kept");
                assertEquals(1, report.removedChunks());
                assertEquals(2, TestRepositories.countChunkFiles(dir));
                assertEquals(List.of(locked.id(), newest.id()), remote.backups().stream().map(BackupInfo::id).toList());
            }
        }
        assertFalse(Files.exists(dir.resolve("refs").resolve(old.id())));
        try (Repository local = service.open(dir, PASSWORD)) {
            assertTrue(local.verify(List.of(), ProgressListener.NONE).ok());
            assertEquals(2, local.backups().size());
        }
    }

    @Test
    void anAppendOnlyStoreRefusesAPruneThatWouldDeleteBackups() throws IOException {
        Path dir = newRepository();
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            backup(store, "d", Map.of(), 1);
            backup(store, "d", Map.of(), 2);
            Files.writeString(dir.resolve("store-policy.properties"), "append-only=true\n");
            try (Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
                assertThrows(ImmutableBackupException.class,
                        () -> remote.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
                assertEquals(2, remote.backups().size());
                assertEquals(2, TestRepositories.countChunkFiles(dir));
            }
        }
    }

    @Test
    void aPruneThroughTheLinkIsRefusedWhileABackupWrittenLocallyHasNoReferenceRecord() {
        Path dir = newRepository();
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            backup(store, "d", Map.of(), 1);
            backup(store, "d", Map.of(), 2);
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            TestRepositories.backup(local, "d", TestRepositories.compressible(SMALL_CHUNK, 9), false);
        }
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            try (Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
                RepositoryException e = assertThrows(RepositoryException.class,
                        () -> remote.prune(RetentionPolicy.keepLast(2), false, ProgressListener.NONE));
                assertTrue(e.getMessage().contains("was written by a local Ferry") && e.getMessage().contains(
                        "nothing was changed"), e.getMessage());
                assertEquals(3, remote.backups().size());
            }
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            // where the repository is, with the password, the same prune works
            assertEquals(1, local.prune(RetentionPolicy.keepLast(2), false, ProgressListener.NONE).removedBackups().size());
        }
    }

    @Test
    void aCommitAskingForALockBeyondThePolicysLimitIsRefusedAndNothingIsVisible() throws IOException {
        Path dir = newRepository();
        Files.writeString(dir.resolve("store-policy.properties"), "max-lock-days=30\n");
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            String tooFar = Instant.now().plus(Duration.ofDays(31)).toString();
            ValidationException e = assertThrows(ValidationException.class,
                    () -> backup(store, "d", RemoteRepositoryTest.labels(tooFar)));
            assertTrue(e.getMessage().contains("at most 30 days"), e.getMessage());
            assertEquals(0, TestRepositories.countEntries(dir.resolve("backups")));
            // within the limit it is fine
            backup(store, "d", RemoteRepositoryTest.labels(Instant.now().plus(Duration.ofDays(29)).toString()));
            assertEquals(1, TestRepositories.countEntries(dir.resolve("backups")));
        }
    }

    @Test
    void aBrokenPolicyFileIsReportedWhenTheStoreOpens() throws IOException {
        Path dir = newRepository();
        Files.writeString(dir.resolve("store-policy.properties"), "append-only=yes\n");
        RepositoryException e = assertThrows(RepositoryException.class, () -> RepositoryStore.open(dir));
        assertTrue(e.getMessage().contains("append-only is 'yes'"), e.getMessage());
    }

    @Test
    void withAMinimumLockABackupCommittedWithoutALockRequestCannotBeDeletedOrPrunedBeforeItsDate() {
        Path dir = newRepository();
        RepositoryStore.writeRules(dir, new StoreRules(false, 1, 3650));
        MovableClock clock = new MovableClock();
        try (FileRepositoryStore store = FileRepositoryStore.open(dir, Duration.ofMinutes(10), clock)) {
            BackupInfo b = backup(store, "d", Map.of());
            Instant until = clock.instant().plus(Duration.ofDays(1));

            Throwable refused = deleteFailure(store, b.id());
            assertInstanceOf(ImmutableBackupException.class, refused);
            assertTrue(refused.getMessage().contains("immutable until " + until), refused.getMessage());

            StorePruneResult pruned = store.prune(List.of(b.id()), false).join();
            assertEquals(List.of(), pruned.removed());
            assertEquals(List.of(b.id()), pruned.locked(), "the prune reports the backup kept as locked");
            assertTrue(Files.exists(dir.resolve("backups").resolve(b.id())));

            clock.advance(Duration.ofDays(1).plusSeconds(1));
            store.deleteBackup(b.id()).join();
            assertFalse(Files.exists(dir.resolve("backups").resolve(b.id())));
        }
    }

    @Test
    void aLockAskedForBeyondTheMinimumIsKeptAndOneBelowItIsRaisedToIt() throws IOException {
        Path dir = newRepository();
        RepositoryStore.writeRules(dir, new StoreRules(false, 7, 30));
        MovableClock clock = new MovableClock();
        try (FileRepositoryStore store = FileRepositoryStore.open(dir, Duration.ofMinutes(10), clock)) {
            Instant far = clock.instant().plus(Duration.ofDays(20));
            BackupInfo asked = backup(store, "d", RemoteRepositoryTest.labels(far.toString()), 1);
            assertEquals(far.toString(), Files.readString(dir.resolve("retention").resolve(asked.id())).strip());

            Instant near = clock.instant().plus(Duration.ofDays(2));
            BackupInfo raised = backup(store, "d", RemoteRepositoryTest.labels(near.toString()), 2);
            assertEquals(clock.instant().plus(Duration.ofDays(7)).toString(),
                    Files.readString(dir.resolve("retention").resolve(raised.id())).strip());
        }
    }

    @Test
    void storeRulesWrittenOnTheRepositorysMachineReadBackTheSameAndTheFileIsOwnerOnly() throws IOException {
        Path dir = newRepository();
        assertEquals(StoreRules.DEFAULT, RepositoryStore.rules(dir), "no policy file: the defaults");
        StoreRules rules = new StoreRules(true, 14, 400);
        RepositoryStore.writeRules(dir, rules);
        assertEquals(rules, RepositoryStore.rules(dir));
        Path file = dir.resolve("store-policy.properties");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, TestRepositories.countEntries(dir.resolve("tmp")), "no temporary file is left");

        // a file made readable by others is replaced, not rewritten in place
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        RepositoryStore.writeRules(dir, StoreRules.DEFAULT);
        assertEquals(StoreRules.DEFAULT, RepositoryStore.rules(dir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void rulesWrittenWhileAStoreIsOpenApplyToItsNextDelete() {
        Path dir = newRepository();
        try (RepositoryStore store = RepositoryStore.open(dir)) {
            BackupInfo b = backup(store, "d", Map.of());
            RepositoryStore.writeRules(dir, new StoreRules(true, 0, 3650));
            assertInstanceOf(ImmutableBackupException.class, deleteFailure(store, b.id()));
            RepositoryStore.writeRules(dir, StoreRules.DEFAULT);
            store.deleteBackup(b.id()).join();
        }
    }

    @Test
    void badRulesAreRefusedNamingWhatIsWrong() throws IOException {
        assertEquals("minLockDays", assertThrows(ValidationException.class, () -> new StoreRules(false, 31, 30)).field());
        assertEquals("minLockDays", assertThrows(ValidationException.class, () -> new StoreRules(false, -1, 30)).field());
        assertEquals("maxLockDays", assertThrows(ValidationException.class,
                () -> new StoreRules(false, 0, 36501)).field());
        new StoreRules(false, 36500, 36500);

        Path dir = newRepository();
        Path file = dir.resolve("store-policy.properties");
        Files.writeString(file, "min-lock-days=40\nmax-lock-days=30\n");
        RepositoryException above = assertThrows(RepositoryException.class, () -> RepositoryStore.rules(dir));
        assertEquals(RepositoryException.Reason.CORRUPT, above.reason());
        assertTrue(above.getMessage().contains("min-lock-days (40) is above max-lock-days (30)"), above.getMessage());
        assertThrows(RepositoryException.class, () -> RepositoryStore.open(dir), "a store does not open on it");

        Files.writeString(file, "min-lock-days=a week\n");
        RepositoryException notANumber = assertThrows(RepositoryException.class, () -> RepositoryStore.rules(dir));
        assertTrue(notANumber.getMessage().contains("min-lock-days is 'a week'"), notANumber.getMessage());

        Path notARepository = Files.createDirectories(tmp.resolve("plain"));
        RepositoryException none = assertThrows(RepositoryException.class,
                () -> RepositoryStore.writeRules(notARepository, StoreRules.DEFAULT));
        assertEquals(RepositoryException.Reason.NOT_A_REPOSITORY, none.reason());
        assertFalse(Files.exists(notARepository.resolve("store-policy.properties")));
    }
}
