package io.ferry.rest.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.ValidationException;
import io.ferry.api.mover.RestoreResult;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.session.DiskRestoreRequest;
import io.ferry.api.session.DiskRestoreResult;
import io.ferry.api.session.JobRepositoryService;
import io.ferry.api.session.JobRepositorySummary;
import io.ferry.api.session.VmRestoreRequest;
import io.ferry.api.session.VmRestoreResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The request bodies of {@code POST /restores} and {@code POST /repositories/{name}/verify}
 * become the service's requests, members checked and named; the rules themselves are the
 * service's (JobRestoresTest in io.ferry.jobs, RestIT on the distribution).
 */
class RepositoryRoutesTest {

    private static final BackupInfo BACKUP = new BackupInfo("20261207T060237Z-3278d1", "web-01/scsi0:0", "/d/web.raw",
            1 << 20, 1 << 20, Instant.parse("2026-12-07T06:02:37Z"), Instant.parse("2026-12-07T06:02:38Z"), null,
            new BackupStats(1 << 20, 1 << 19, 1 << 19, 1, 0, 1 << 19, 1 << 18, "full"), Map.of("vm", "web-01"));

    private final List<Object> calls = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private final Router router = new Router();

    RepositoryRoutesTest() {
        new RepositoryRoutes(new JobRepositoryService() {
            @Override
            public List<JobRepositorySummary> repositories() {
                return List.of(new JobRepositorySummary("bkp-01", List.of("nightly"), Optional.empty()));
            }

            @Override
            public List<BackupInfo> backups(String server, Optional<String> disk, Optional<String> vm) {
                calls.add("backups " + server + " " + disk + " " + vm);
                return List.of(BACKUP, BACKUP);
            }

            @Override
            public BackupInfo backup(String server, String idOrPrefix) {
                return BACKUP;
            }

            @Override
            public VerifyReport verify(String server, List<String> backups, ProgressListener listener) {
                calls.add("verify " + server + " " + backups);
                return new VerifyReport(List.of(BACKUP.id()), 1, 4096, List.of());
            }

            @Override
            public DiskRestoreResult restoreDisk(DiskRestoreRequest request, ProgressListener listener) {
                calls.add(request);
                return new DiskRestoreResult(request.repository(), BACKUP, new RestoreResult(BACKUP.id(),
                        "/data/ferry/restores/" + request.target(), BACKUP.size(), 1 << 19, 1 << 19,
                        Duration.ofMillis(20)));
            }

            @Override
            public VmRestoreResult restoreVm(VmRestoreRequest request, ProgressListener listener) {
                calls.add(request);
                return new VmRestoreResult(request.vm(), "s-1", List.of(new RestoreResult(BACKUP.id(), "/x/a.raw",
                        10, 6, 4, Duration.ofMillis(5))));
            }

            @Override
            public List<Path> restoreRoots() {
                return List.of(Path.of("/data/ferry/restores"));
            }
        }, mapper).addTo(router);
    }

    private JsonNode post(String path, String body) throws Exception {
        Router.Match match = router.match("POST", Paths.segments(path));
        ApiResponse response = match.route().handler().handle(new ApiRequest("POST", path, match.parameters(), Map.of(),
                body == null ? new byte[0] : body.getBytes(UTF_8)));
        assertEquals(200, response.status());
        return (JsonNode) response.body();
    }

    private JsonNode get(String path, Map<String, List<String>> query) throws Exception {
        Router.Match match = router.match("GET", Paths.segments(path));
        return (JsonNode) match.route().handler().handle(new ApiRequest("GET", path, match.parameters(), query))
                .body();
    }

    @Test
    void aDiskRestoreBodyBecomesTheServicesRequestAndTheAnswerSaysWhatWasWritten() throws Exception {
        JsonNode answer = post("/restores", "{\"repository\": \"bkp-01\", \"disk\": \"web-01/scsi0:0\","
                + " \"target\": \"web.raw\", \"overwrite\": true}");
        assertEquals(List.of(new DiskRestoreRequest("bkp-01", Optional.empty(), Optional.of("web-01/scsi0:0"),
                "web.raw", true)), calls);
        assertEquals("disk", answer.path("kind").asText());
        assertEquals("/data/ferry/restores/web.raw", answer.path("target").asText());
        assertEquals(1 << 19, answer.path("writtenBytes").asLong());
        assertEquals(1 << 19, answer.path("zeroBytes").asLong());
        assertEquals(BACKUP.id(), answer.path("backup").path("id").asText());
    }

    @Test
    void aVmRestoreBodyNamesTheVmAndTheSession() throws Exception {
        JsonNode answer = post("/restores", "{\"vm\": \"web-01\", \"session\": \"s-1\", \"target\": \"web-01\"}");
        assertEquals(List.of(new VmRestoreRequest("web-01", Optional.of("s-1"), "web-01", false)), calls);
        assertEquals("vm", answer.path("kind").asText());
        assertEquals(1, answer.path("disks").size());
        assertEquals(6, answer.path("writtenBytes").asLong());
    }

    @Test
    void badMembersAreRefusedNamingTheFieldBeforeTheServiceIsCalled() {
        assertEquals("tagret", assertThrows(ValidationException.class, () -> post("/restores",
                "{\"repository\": \"bkp-01\", \"disk\": \"d\", \"tagret\": \"x\"}")).field());
        assertEquals("target", assertThrows(ValidationException.class, () -> post("/restores",
                "{\"repository\": \"bkp-01\", \"disk\": \"d\", \"target\": \"nbd://127.0.0.1/x\"}")).field());
        assertEquals("overwrite", assertThrows(ValidationException.class, () -> post("/restores",
                "{\"repository\": \"bkp-01\", \"disk\": \"d\", \"target\": \"x\", \"overwrite\": \"yes\"}")).field());
        assertEquals("backup", assertThrows(ValidationException.class, () -> post("/restores",
                "{\"repository\": \"bkp-01\", \"target\": \"x\"}")).field());
        assertEquals("backups", assertThrows(ValidationException.class, () -> post("/repositories/bkp-01/verify",
                "{\"backups\": \"all\"}")).field());
        assertEquals("body", assertThrows(BadRequestException.class, () -> post("/restores", "[1]")).field());
        assertTrue(calls.isEmpty(), calls.toString());
    }

    @Test
    void verifyTakesAnOptionalListOfBackupsAndBackupsArePagedWithTheirFilters() throws Exception {
        assertTrue(post("/repositories/bkp-01/verify", null).path("ok").asBoolean());
        post("/repositories/bkp-01/verify", "{\"backups\": [\"2026\"]}");
        assertEquals(List.of("verify bkp-01 []", "verify bkp-01 [2026]"), calls);

        JsonNode page = get("/repositories/bkp-01/backups", Map.of("vm", List.of("web-01"), "limit", List.of("1")));
        assertEquals("backups bkp-01 Optional.empty Optional[web-01]", calls.get(2));
        assertEquals(1, page.path("items").size());
        assertEquals(2, page.path("total").asLong());
        assertEquals("/api/v1/repositories/bkp-01/backups?vm=web-01&offset=1&limit=1", page.path("next").asText());
        assertEquals("web-01/scsi0:0", page.path("items").get(0).path("disk").asText());
    }
}
