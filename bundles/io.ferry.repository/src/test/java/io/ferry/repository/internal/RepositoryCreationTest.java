package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL;
import static io.ferry.repository.internal.TestRepositories.SMALL_CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathNotAllowedException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import io.ferry.repository.remote.RemoteRepositories;
import io.ferry.repository.remote.RepositoryImages;
import io.ferry.repository.remote.RepositoryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository server creates a repository from the config and key file made on the key side
 * (issue 12, repository agents): the storage side never sees the password or the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryCreationTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();
    /** One pair of images for the tests that only need some valid images (the KDF is slow). */
    private RepositoryImages images;

    @TempDir
    Path tmp;

    @BeforeAll
    void makeImages() {
        images = RemoteRepositories.newImages(PASSWORD, SMALL);
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aRepositoryCreatedFromKeySideImagesTakesARemoteBackupThatALocalOpenReadsByteIdentical() throws IOException {
        Path dir = tmp.resolve("created");
        byte[] disk = TestRepositories.image(6, SMALL_CHUNK, 1000, 42);
        BackupInfo written;
        try (RepositoryStore store = RepositoryStore.create(dir, RemoteRepositories.newImages(PASSWORD, SMALL));
                Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
            assertEquals(dir.toRealPath(), store.root());
            assertEquals(SMALL_CHUNK, remote.info().chunkSize());
            written = TestRepositories.backup(remote, "vm-01-disk0", disk, false);
            assertArrayEquals(disk, TestRepositories.restore(remote, written.id()), "restored through the link");
        }
        try (Repository local = service.open(dir, PASSWORD)) {
            assertEquals(List.of(written.id()), local.backups().stream().map(BackupInfo::id).toList());
            assertArrayEquals(disk, TestRepositories.restore(local, written.id()), "restored locally");
            assertTrue(local.verify(List.of(), ProgressListener.NONE).ok());
        }
        RepositoryException wrong = assertThrows(RepositoryException.class,
                () -> service.open(dir, "not the password".toCharArray()));
        assertEquals(Reason.WRONG_PASSWORD, wrong.reason());
    }

    @Test
    void aCreatedRepositoryHasTheLayoutOfALocalInitWithTheImagesAsItsFiles() throws IOException {
        Path created = tmp.resolve("layout-created");
        Path initialised = tmp.resolve("layout-init");
        RepositoryStore.create(created, images).close();
        service.init(initialised, PASSWORD, SMALL);
        assertEquals(entries(initialised), entries(created));
        assertEquals(images.config(), Files.readString(created.resolve("config"), StandardCharsets.UTF_8));
        assertEquals(images.keyFile(), Files.readString(created.resolve("keys/key"), StandardCharsets.UTF_8));
        for (String d : List.of("", "keys", "chunks", "backups", "tmp", "locks")) {
            assertEquals("rwx------", mode(created.resolve(d)), d);
        }
        for (String f : List.of("lock", "config", "keys/key")) {
            assertEquals("rw-------", mode(created.resolve(f)), f);
        }
        // what the storage side hands to a key side is exactly what it was given
        try (RepositoryStore store = RepositoryStore.open(created)) {
            assertEquals(images, store.images().join());
        }
    }

    @Test
    void newImagesAreMadeAsInitMakesThemWithAFreshIdAndKeyEachTime() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        InitOptions options = new InitOptions(1 << 20, 120_000);
        RepositoryImages a = RemoteRepositories.newImages(PASSWORD, options);
        RepositoryImages b = RemoteRepositories.newImages(PASSWORD, options);
        RepositoryConfig config = NewRepository.check(a);
        assertEquals(1 << 20, config.chunkSize());
        assertEquals(RepositoryConfig.FORMAT_VERSION, config.version());
        assertEquals(32, config.id().length());
        assertEquals(0, config.created().getNano(), "created is truncated to seconds");
        assertFalse(config.created().isBefore(before));
        assertFalse(config.created().isAfter(Instant.now()));
        assertEquals(120_000, KeyFile.parse(a.keyFile()).iterations());
        assertNotEquals(config.id(), NewRepository.check(b).id());
        assertNotEquals(KeyFile.parse(a.keyFile()).toJson(), KeyFile.parse(b.keyFile()).toJson());
    }

    @Test
    void aShortPasswordIsRefusedWhenImagesAreMadeAsByInit() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> RemoteRepositories.newImages("short".toCharArray(), SMALL));
        assertEquals("password", e.field());
        assertTrue(e.getMessage().contains("shorter than 8"), e.getMessage());
        assertEquals("password", assertThrows(ValidationException.class,
                () -> RemoteRepositories.newImages(null, SMALL)).field());
    }

    @Test
    void malformedImagesAreRefusedNamingTheFileAndNoDirectoryIsCreated() {
        Path dir = tmp.resolve("never");
        RepositoryImages other = RemoteRepositories.newImages(PASSWORD, SMALL);
        List<Map.Entry<String, RepositoryImages>> cases = List.of(
                Map.entry("config", new RepositoryImages("{\"format\": \"ferry-repository\"", images.keyFile())),
                Map.entry("config", new RepositoryImages("{\"format\": \"something-else\", \"version\": 1}",
                        images.keyFile())),
                Map.entry("keyFile", new RepositoryImages(images.config(), "{\"kdf\": \"PBKDF2-HMAC-SHA256\"}")),
                Map.entry("keyFile", new RepositoryImages(images.config(), "not json at all")),
                Map.entry("keyFile", new RepositoryImages(images.config(), other.keyFile())));
        for (Map.Entry<String, RepositoryImages> c : cases) {
            ValidationException e = assertThrows(ValidationException.class,
                    () -> RepositoryStore.create(dir, c.getValue()), c.getKey());
            assertEquals(c.getKey(), e.field(), e.getMessage());
            assertFalse(Files.exists(dir), "nothing is created for malformed images (" + e.getMessage() + ")");
        }
        ValidationException foreign = assertThrows(ValidationException.class,
                () -> RepositoryStore.create(dir, new RepositoryImages(images.config(), other.keyFile())));
        assertTrue(foreign.getMessage().contains("belongs to repository"), foreign.getMessage());
    }

    @Test
    void aRepositoryIsCreatedOnlyInANewOrEmptyDirectory() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        RepositoryStore.create(empty, images).close();

        RepositoryException again = assertThrows(RepositoryException.class, () -> RepositoryStore.create(empty, images));
        assertEquals(Reason.ALREADY_EXISTS, again.reason());
        assertTrue(again.getMessage().contains("already holds a Ferry repository"), again.getMessage());

        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("notes.txt"), "someone's files");
        RepositoryException notEmpty = assertThrows(RepositoryException.class, () -> RepositoryStore.create(used, images));
        assertEquals(Reason.ALREADY_EXISTS, notEmpty.reason());
        assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
        assertEquals(List.of("notes.txt"), entries(used), "the directory is left as it was");

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertEquals(Reason.ALREADY_EXISTS,
                assertThrows(RepositoryException.class, () -> RepositoryStore.create(file, images)).reason());
    }

    @Test
    void theServiceCreatesRepositoriesOnlyInsideTheRepositoryRoots() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        try (RepositoryServiceImpl confined = new RepositoryServiceImpl(
                ConfinedPaths.fromConfiguration(Map.of(), name -> data.toString(), etc))) {
            Path outside = tmp.resolve("outside");
            assertEquals("repository.roots", assertThrows(PathNotAllowedException.class,
                    () -> confined.create(outside, images)).setting());
            assertFalse(Files.exists(outside));

            Path inside = data.resolve("ferry/repositories/created-01");
            try (RepositoryStore store = confined.create(inside, images);
                    Repository remote = RemoteRepositories.open(new CopyingLink(store), PASSWORD)) {
                assertEquals(inside.toRealPath(), store.root());
                assertEquals(NewRepository.check(images).id(), remote.info().id());
            }
        }
    }

    @Test
    void aStoreCreatedWithAnIdleTimeoutThatIsNotPositiveIsRefusedBeforeAnythingIsWritten() {
        Path dir = tmp.resolve("idle");
        assertThrows(IllegalArgumentException.class, () -> FileRepositoryStore.create(dir, images, Duration.ZERO));
        assertFalse(Files.exists(dir));
    }

    private static List<String> entries(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
