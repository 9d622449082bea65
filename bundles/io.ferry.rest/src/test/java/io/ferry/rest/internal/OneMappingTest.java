package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import io.ferry.api.repository.Progress;
import io.ferry.api.security.ApiTokens;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import io.ferry.json.FerryJson;
import io.ferry.json.Views;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The REST answers and the shell's {@code --json} come from one mapping (io.ferry.json): what
 * a route answers, written by the servlet's mapper, parses to what the shell prints for the
 * same record ({@code FerryJson.text} of the same view, as io.ferry.shell's JsonOutput does).
 * RestIT compares the two live.
 */
class OneMappingTest {
    private static final Instant T0 = Instant.parse("2026-12-07T02:00:00Z");
    private static final ObjectMapper SERVLET = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Views SHELL = new Views();

    private final Job job = new Job("0190f5b6-1a2b-7000-8000-000000000001", 4,
            JobSpec.of("web-nightly", Platform.PROXMOX, List.of("pve-web-01"), "bkp-01"));
    private final TaskRecord done = new TaskRecord("t1", "pve-web-01", "scsi0", TaskStatus.SUCCESS, "gp-01",
            "proxmox-nbd", "gp-01 via proxmox-nbd", "dirty-bitmap", null, "01JBK1", 64L << 20, 16L << 20, 5L << 20,
            4L << 20, 24L << 20, 8L << 20, T0, T0.plusSeconds(8), null, List.of("slow"));
    private final TaskRecord queued = TaskRecord.queued("pve-web-01", "scsi1", "gp-01", "proxmox-nbd", "why",
            1L << 30, List.of());
    private final Session running = new Session("01JC8", "web-nightly", "manual", null, SessionStatus.RUNNING, T0,
            null, List.of(done, queued), List.of(new GuestRecord("pve-web-01", "gi-01", TaskStatus.SUCCESS, true,
                    "qemu-guest-agent", "froze /data", Duration.ofMillis(84))), "");
    private final List<TaskProgress> progress = List.of(new TaskProgress(queued.id(), TaskStatus.RUNNING,
            new Progress("read", 10, 40, 12, 5, Duration.ofMillis(1500))));
    private final Plan plan = new Plan("job web-nightly", List.of(), Set.of(Platform.VMWARE, Platform.HYPERV),
            List.of("no proxy for VMware"));
    private final List<ReadinessReport> checks = List.of(new ReadinessReport("gp-01", io.ferry.api.inventory.RoleType
            .VMWARE_PROXY, List.of(CheckResult.ok("os", "linux", ""), CheckResult.fail("nbd", "no qemu-nbd",
                    "apt-get install qemu-utils", ""))));

    @Test
    void aJobIsWhatJobShowJsonPrints() throws Exception {
        JsonNode rest = get("/jobs/web-nightly");
        assertEquals(parse(FerryJson.text(SHELL.job(job))), rest);
        assertEquals("AUTOMATIC", rest.path("transportMode").asText());
        assertEquals(4, rest.path("version").asLong());
    }

    @Test
    void aRunningSessionIsWhatSessionShowJsonPrintsWithItsLiveProgress() throws Exception {
        JsonNode rest = get("/sessions/01JC8");
        assertEquals(parse(FerryJson.text(SHELL.session(running, sessions()))), rest);
        assertEquals(40, rest.path("progress").get(0).path("totalBytes").asLong());
        assertEquals(3.0, rest.path("tasks").get(0).path("dedupeRatio").asDouble());
        assertTrue(rest.path("tasks").get(1).path("finished").isMissingNode(), "a task not finished has no finished");
    }

    @Test
    void thePlanAndTheChecksAreWhatSelectAndCheckJsonPrint() throws Exception {
        JsonNode rest = get("/jobs/web-nightly/plan");
        assertEquals(parse(FerryJson.text(SHELL.record(plan))), rest);
        assertEquals("[\"HYPERV\",\"VMWARE\"]", rest.path("unservedPlatforms").toString());
        JsonNode ready = get("/checks");
        assertEquals(parse(FerryJson.text(SHELL.record(checks))), ready);
        assertEquals(false, ready.get(0).path("ready").asBoolean(true));
        assertTrue(ready.get(0).path("results").get(0).path("fix").isMissingNode(), "an empty fix is left out");
    }

    // --- the route table with services that answer these records ----------------------------

    private JsonNode get(String path) throws Exception {
        Router.Match match = api().router().match("GET", Paths.segments(path));
        ApiResponse response = match.route().handler().handle(new ApiRequest("GET", path, match.parameters(), Map.of()));
        assertEquals(200, response.status());
        return parse(SERVLET.writeValueAsString(response.body()));
    }

    private static JsonNode parse(String text) throws Exception {
        return FerryJson.mapper().readTree(text);
    }

    private FerryApi api() {
        return new FerryApi(unused(InventoryService.class), unused(InventoryTransfer.class),
                answering(JobService.class, Map.of("job", Optional.of(job))), sessions(),
                answering(SelectionService.class, Map.of("planJob", plan, "check", checks)), unused(AuditLog.class),
                () -> Optional.<AgentRegistry>empty(), unused(ApiTokens.class), SERVLET, Clock.systemUTC(),
                unused(io.ferry.api.session.JobRepositoryService.class), unused(io.ferry.api.paths.PathPolicy.class));
    }

    private SessionService sessions() {
        return answering(SessionService.class, Map.of("session", Optional.of(running), "progress", progress));
    }

    private static <T> T unused(Class<T> type) {
        return answering(type, Map.of());
    }

    /** A service whose methods answer by name; any other call is a test error. */
    private static <T> T answering(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (answers.containsKey(method.getName())) {
                return answers.get(method.getName());
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName() + " not expected");
        }));
    }
}
