package io.ferry.repository.internal;

import static io.ferry.repository.internal.TestRepositories.PASSWORD;
import static io.ferry.repository.internal.TestRepositories.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 point 5: bounded KDF iterations, an authenticated config, owner-only files. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryHardeningTest {

    private final RepositoryServiceImpl service = new RepositoryServiceImpl();

    @TempDir
    Path tmp;

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aKeyFileWithAnAbsurdIterationCountIsRefusedBeforeAnyKeyDerivation() throws Exception {
        Path dir = tmp.resolve("huge");
        service.init(dir, PASSWORD, SMALL);
        Path key = dir.resolve("keys/key");
        Files.writeString(key, Files.readString(key).replace("\"iterations\": 100000", "\"iterations\": 2147483647"));
        // 2^31-1 PBKDF2 rounds would take about an hour: the refusal must come without deriving
        RepositoryException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
                () -> assertThrows(RepositoryException.class, () -> service.open(dir, PASSWORD)));
        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("iteration count 2147483647 is outside the bounds Ferry accepts (100000 to 10000000)"),
                e.getMessage());
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
    }

    @Test
    void aKeyFileWithTooFewIterationsIsRefused() throws Exception {
        Path dir = tmp.resolve("few");
        service.init(dir, PASSWORD, SMALL);
        Path key = dir.resolve("keys/key");
        Files.writeString(key, Files.readString(key).replace("\"iterations\": 100000", "\"iterations\": 1000"));
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.open(dir, PASSWORD));
        assertTrue(e.getMessage().contains("iteration count 1000 is outside"), e.getMessage());
    }

    @Test
    void initRefusesFewerThanTheMinimumAndMoreThanTheMaximumIterations() {
        ValidationException few = assertThrows(ValidationException.class,
                () -> InitOptions.defaults().withKdfIterations(99_999));
        assertEquals("kdfIterations", few.field());
        assertTrue(few.getMessage().contains("at least 100000"), few.getMessage());
        ValidationException many = assertThrows(ValidationException.class,
                () -> InitOptions.defaults().withKdfIterations(Integer.MAX_VALUE));
        assertTrue(many.getMessage().contains("at most 10000000"), many.getMessage());
    }

    @Test
    void aConfigWhoseChunkSizeWasChangedIsRefused() throws Exception {
        Path dir = tmp.resolve("tampered");
        service.init(dir, PASSWORD, SMALL);
        Path config = dir.resolve("config");
        String text = Files.readString(config);
        assertTrue(text.contains("\"chunkSize\": 65536"), text);
        Files.writeString(config, text.replace("\"chunkSize\": 65536", "\"chunkSize\": 131072"));
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.open(dir, PASSWORD));
        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("its MAC does not match the repository key: the file was modified"),
                e.getMessage());
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
    }

    @Test
    void aConfigWithoutMacIsRefusedAsUnauthenticated() throws Exception {
        Path dir = tmp.resolve("old");
        service.init(dir, PASSWORD, SMALL);
        Path config = dir.resolve("config");
        Map<String, Object> fields = FlatJson.parse(Files.readString(config));
        fields.remove("mac");
        Files.writeString(config, FlatJson.write(fields));
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.open(dir, PASSWORD));
        assertEquals(Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("has no 'mac' field"), e.getMessage());
    }

    @Test
    void anUntouchedConfigOpensAndItsMacDependsOnTheRepositoryKey() throws Exception {
        Path a = tmp.resolve("mac-a");
        Path b = tmp.resolve("mac-b");
        service.init(a, PASSWORD, SMALL);
        service.init(b, PASSWORD, SMALL);
        service.open(a, PASSWORD).close();
        // b's config with a's id and MAC: the key file of b cannot vouch for it
        Files.copy(a.resolve("config"), b.resolve("config"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RepositoryException e = assertThrows(RepositoryException.class, () -> service.open(b, PASSWORD));
        assertEquals(Reason.CORRUPT, e.reason());
    }

    @Test
    void keyFileConfigChunksAndManifestsAreOwnerOnly() throws Exception {
        Path dir = tmp.resolve("modes");
        try (Repository repo = TestRepositories.create(service, dir)) {
            TestRepositories.backup(repo, "vm1/disk0", TestRepositories.image(4, SMALL.chunkSize(), 7, 1), false);
        }
        assertEquals("rwx------", mode(dir));
        for (String sub : List.of("keys", "chunks", "backups", "tmp", "locks")) {
            assertEquals("rwx------", mode(dir.resolve(sub)), sub);
        }
        assertEquals("rw-------", mode(dir.resolve("config")));
        assertEquals("rw-------", mode(dir.resolve("keys/key")));
        assertEquals("rw-------", mode(dir.resolve("lock")));
        List<Path> data;
        try (Stream<Path> files = Files.walk(dir)) {
            data = files.filter(Files::isRegularFile)
                    .filter(p -> p.startsWith(dir.resolve("chunks")) || p.startsWith(dir.resolve("backups"))).toList();
        }
        assertTrue(data.size() >= 2, "chunks and a manifest: " + data);
        for (Path f : data) {
            assertEquals("rw-------", mode(f), f.toString());
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
