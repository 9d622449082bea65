package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue 13, the foundation of the HTTPS API, on the shipped distribution started with
 * {@code bin/start} and called from outside over real HTTPS, trusting only the manager's CA
 * ({@code data/ferry/ca/ca.crt}): logins against the shell's JAAS realm, each role's allowed
 * and refused calls (401, 403), 404, 405, 422 naming the field, paging through a few hundred
 * VMs, an operator's job run followed to its end through the session resource, API tokens
 * (created, used with their role, revoked), and the OpenAPI document against the live endpoints.
 */
public class RestIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final String VIEWER = "rest-viewer";
    private static final String OPERATOR = "rest-operator";
    private static final String ADMIN = "rest-admin";
    private static final String PASSWORD = "rest-it-password-8d1e";
    /** VMs added to the sample lab's 7 for the paging test. */
    /** The scale: 100k VMs must never come back in one response. */
    private static final int BULK_VMS = 100_000;
    /** The API's largest page ({@code PageRequest.MAX_LIMIT} of io.ferry.rest). */
    private static final int MAX_PAGE = 1000;

    private static UnpackedDistribution ferry;
    private static HttpClient client;
    private static String base;

    @BeforeClass
    public static void startWithABigInventory() throws Exception {
        Path parent = Path.of("target", "rest-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        ferry = UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), parent);
        Files.writeString(ferry.home().resolve("etc/users.properties"),
                VIEWER + " = " + PASSWORD + ",_g_:ferry-viewers\n"
                        + OPERATOR + " = " + PASSWORD + ",_g_:ferry-operators\n"
                        + ADMIN + " = " + PASSWORD + ",_g_:ferry-admins\n",
                UTF_8, StandardOpenOption.APPEND);
        writeBulkInventory(ferry.home().resolve("samples/rest-it-inventory.json"));
        ferry.start();
        ferry.awaitClient("ferry:server-list", BOOT_TIMEOUT);
        ferry.ok("ferry:inventory-import samples/rest-it-inventory.json");
        base = "https://127.0.0.1:" + ferry.httpsPort() + "/api/v1";
        client = HttpClient.newBuilder().sslContext(UnpackedDistribution.trustingOnly(ferry.home().resolve("data/ferry/ca/ca.crt")))
                .connectTimeout(Duration.ofSeconds(10)).build();
        awaitListener();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (ferry != null) {
            ferry.stopOrKill();
        }
    }

    /** The sample lab plus {@value #BULK_VMS} Proxmox VMs {@code bulk-000000}... on host pve-01. */
    private static void writeBulkInventory(Path target) throws IOException {
        String lab = Files.readString(ferry.home().resolve("samples/lab-inventory.json"), UTF_8);
        StringBuilder vms = new StringBuilder("\"vms\": [\n");
        for (int i = 0; i < BULK_VMS; i++) {
            vms.append(String.format("    {\"name\": \"bulk-%06d\", \"host\": \"pve-01\", \"guestOs\": \"linux:debian:12\","
                    + " \"networks\": [\"10.10.1.0/24\"], \"disks\": [{\"label\": \"scsi0\", \"capacityBytes\": 1073741824,"
                    + " \"format\": \"RAW\", \"location\": \"/dev/pve/vm-%d-disk-0\", \"storage\": \"local-lvm\"}]},%n",
                    i, 1000 + i));
        }
        int at = lab.indexOf("\"vms\": [");
        assertTrue("the sample lab has no top-level \"vms\": [", at > 0);
        Files.writeString(target, lab.substring(0, at) + vms + lab.substring(at + "\"vms\": [".length()), UTF_8);
    }


    /** Ferry turns HTTPS on once its keystore is written: wait until the listener answers. */
    private static void awaitListener() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = call("GET", "/openapi.json", null);
                if (r.statusCode() == 401) {
                    return;
                }
                last = new IllegalStateException("status " + r.statusCode() + ": " + r.body());
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the HTTPS listener on port " + ferry.httpsPort() + " did not answer within 90 s: " + last
                + "\nkaraf.log tail:\n" + ferry.logTail());
    }

    private static HttpResponse<String> call(String method, String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + PASSWORD).getBytes(UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> ok(String path, String user) throws Exception {
        HttpResponse<String> r = call("GET", path, user);
        assertEquals("GET " + path + " as " + user + ": " + r.body(), 200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").replaceAll(";.*", ""));
        return Json.object(Json.parse(r.body()));
    }

    /** The problem document of an error answer, after checking its status and media type. */
    private static Map<String, Object> problem(HttpResponse<String> r, int status) {
        assertEquals(r.request().method() + " " + r.uri() + ": " + r.body(), status, r.statusCode());
        assertEquals(r.body(), "application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        Map<String, Object> problem = Json.object(Json.parse(r.body()));
        assertEquals(r.body(), (long) status, problem.get("status"));
        assertTrue(r.body(), String.valueOf(problem.get("type")).startsWith("urn:ferry:problem:"));
        assertFalse("a stack trace reached the client: " + r.body(), r.body().contains("\tat ") || r.body().contains("Exception"));
        return problem;
    }

    @Test
    public void withoutOrWithWrongCredentialsEveryCallIs401WithABasicChallenge() throws Exception {
        for (String path : List.of("/servers", "/jobs/pve-daily/run", "/no-such-thing")) {
            HttpResponse<String> anonymous = call(path.endsWith("/run") ? "POST" : "GET", path, null);
            problem(anonymous, 401);
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
        }
        HttpRequest wrong = HttpRequest.newBuilder(URI.create(base + "/servers")).timeout(CALL_TIMEOUT)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":wrong").getBytes(UTF_8)))
                .build();
        problem(client.send(wrong, HttpResponse.BodyHandlers.ofString()), 401);
    }

    @Test
    public void theListenerIsHttpsOnlyWithTheManagersCertificateAndAnOwnerOnlyKeystore() throws Exception {
        // the client trusts only Ferry's CA: a 200 proves the manager's chain and the 127.0.0.1 name
        HttpResponse<String> r = call("GET", "/servers", VIEWER);
        assertEquals(200, r.statusCode());
        X509Certificate leaf = (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
        assertTrue(leaf.getSubjectX500Principal().getName(), leaf.getSubjectX500Principal().getName().contains("OU=manager"));
        // plain HTTP on the same port gets no answer from the API
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> answer = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ferry.httpsPort()
                    + "/api/v1/servers")).timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertNotEquals("plain HTTP was served: " + answer.body(), 200, answer.statusCode());
            assertFalse(answer.body(), answer.body().contains("\"items\""));
        } catch (IOException expected) {
            // the TLS connector drops a plain-text request
        }
        Path cfg = ferry.home().resolve(FerryContainer.REST_CFG);
        String settings = Files.readString(cfg, UTF_8);
        // it holds the keystore password now
        assertTrue(settings, settings.contains("org.ops4j.pax.web.ssl.keystore.password"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg)));
        assertTrue(settings, settings.matches("(?s).*\\norg\\.osgi\\.service\\.http\\.enabled\\s*=\\s*false\\b.*"));
        assertTrue(settings, settings.matches("(?s).*\\norg\\.ops4j\\.pax\\.web\\.listening\\.addresses\\s*=\\s*127\\.0\\.0\\.1\\b.*"));
        Path rest = ferry.home().resolve("data/ferry/rest");
        try (Stream<Path> files = Files.list(rest)) {
            List<Path> all = files.toList();
            assertTrue("no keystore in " + all, all.stream().anyMatch(f -> f.getFileName().toString().endsWith(".p12")));
            for (Path file : all) {
                assertEquals(file.toString(), "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
        }
    }

    @Test
    public void aViewerReadsEverythingButTheAuditTrailAndMayNotRunAJob() throws Exception {
        for (String path : List.of("/servers", "/servers/bkp-01", "/roles", "/hosts", "/hosts/pve-01", "/vms",
                "/vms/pve-web-01", "/jobs", "/jobs/pve-daily", "/sessions", "/plugins", "/agents", "/openapi.json")) {
            ok(path, VIEWER);
        }
        Map<String, Object> job = ok("/jobs/pve-daily", VIEWER);
        assertEquals("PROXMOX", job.get("platform"));
        assertEquals(List.of("pve-web-01"), job.get("vms"));
        Map<String, Object> refused = problem(call("POST", "/jobs/pve-daily/run", VIEWER), 403);
        assertTrue(refused.toString(), String.valueOf(refused.get("detail")).contains("may not job-run"));
        problem(call("GET", "/audit", VIEWER), 403);
        problem(call("GET", "/audit", OPERATOR), 403);
        // a browser posting from another site is refused even with an operator's credentials
        HttpRequest forged = HttpRequest.newBuilder(URI.create(base + "/jobs/pve-daily/run")).timeout(CALL_TIMEOUT)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((OPERATOR + ":" + PASSWORD)
                        .getBytes(UTF_8)))
                .header("Origin", "https://attacker.example").POST(HttpRequest.BodyPublishers.noBody()).build();
        Map<String, Object> crossSite = problem(client.send(forged, HttpResponse.BodyHandlers.ofString()), 403);
        assertEquals("urn:ferry:problem:cross-site", crossSite.get("type"));
        // the refusal is in the audit trail, which an administrator reads
        Map<String, Object> audit = ok("/audit?user=" + VIEWER + "&limit=50", ADMIN);
        assertTrue(audit.toString(), Json.objects(audit.get("items")).stream()
                .anyMatch(e -> "job-run".equals(e.get("action")) && "DENIED".equals(e.get("result"))));
    }

    @Test
    public void unknownObjectsAndPathsAre404AndOtherMethods405() throws Exception {
        Map<String, Object> vm = problem(call("GET", "/vms/no-such-vm", VIEWER), 404);
        assertTrue(vm.toString(), String.valueOf(vm.get("detail")).contains("no-such-vm"));
        problem(call("GET", "/sessions/ffffffff-0000", VIEWER), 404);
        problem(call("POST", "/jobs/no-such-job/run", OPERATOR), 404);
        problem(call("GET", "/no-such-resource", VIEWER), 404);
        HttpResponse<String> delete = call("DELETE", "/servers", ADMIN);
        problem(delete, 405);
        assertEquals("GET, POST", delete.headers().firstValue("Allow").orElse(""));
    }

    @Test
    public void invalidValuesAre422AndMalformedOnes400NamingTheField() throws Exception {
        Map<String, Object> tooMany = problem(call("GET", "/vms?limit=5000", VIEWER), 422);
        assertEquals(tooMany.toString(), "limit", tooMany.get("field"));
        assertTrue(tooMany.toString(), String.valueOf(tooMany.get("detail")).contains("1000"));
        Map<String, Object> negative = problem(call("GET", "/sessions?offset=-3", VIEWER), 422);
        assertEquals("offset", negative.get("field"));
        Map<String, Object> malformed = problem(call("GET", "/jobs?offset=ten", VIEWER), 400);
        assertEquals("offset", malformed.get("field"));
    }

    @Test
    public void aHundredThousandVmsArePagedWithNextLinksAndATotalOnTheFirstPage() throws Exception {
        // the lab's 7 VMs, the bulk ones, and whatever the other tests of this class added so far
        int expected = -1;
        Set<String> seen = new HashSet<>();
        String next = "/vms?limit=" + MAX_PAGE;
        int pages = 0;
        while (next != null) {
            Map<String, Object> page = ok(next, VIEWER);
            pages++;
            // only the first page counts the inventory
            if (pages == 1) {
                expected = ((Number) page.get("total")).intValue();
                assertTrue("total " + expected, expected >= BULK_VMS + 7 && expected < BULK_VMS + 100);
            } else {
                assertNull(next, page.get("total"));
            }
            List<Map<String, Object>> items = Json.objects(page.get("items"));
            assertTrue(next + " returned " + items.size() + " items", items.size() <= MAX_PAGE && !items.isEmpty());
            for (Map<String, Object> vm : items) {
                assertTrue("VM " + vm.get("name") + " came twice", seen.add((String) vm.get("name")));
                assertNotNull(vm.get("disks"));
            }
            Object link = page.get("next");
            next = link == null ? null : ((String) link).substring("/api/v1".length());
            assertTrue("paging does not end", pages <= expected / MAX_PAGE + 2);
        }
        assertEquals((expected + MAX_PAGE - 1) / MAX_PAGE, pages);
        assertEquals("at most " + MAX_PAGE + " a page", 422, call("GET", "/vms?limit=" + (MAX_PAGE + 1), VIEWER).statusCode());
        assertEquals(expected, seen.size());
        // a filter pages too, without a total
        Map<String, Object> filtered = ok("/vms?contains=bulk-0001&limit=20", VIEWER);
        assertEquals(20, Json.objects(filtered.get("items")).size());
        assertNull(filtered.get("total"));
        assertEquals("/api/v1/vms?contains=bulk-0001&offset=20&limit=20", filtered.get("next"));
        Map<String, Object> last = ok("/vms?contains=bulk-0001&offset=80&limit=20", VIEWER);
        assertEquals(20, Json.objects(last.get("items")).size()); // bulk-000100..bulk-000199: 100 names
        assertNull(last.get("next"));
    }

    @Test
    public void anOperatorRunsAJobAndFollowsItsSessionToTheEnd() throws Exception {
        HttpResponse<String> run = call("POST", "/jobs/pve-daily/run", OPERATOR);
        assertEquals(run.body(), 202, run.statusCode());
        Map<String, Object> started = Json.object(Json.parse(run.body()));
        String location = run.headers().firstValue("Location").orElseThrow();
        assertEquals("/api/v1/sessions/" + started.get("id"), location);
        assertEquals("pve-daily", started.get("job"));

        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Map<String, Object> session = ok(location.substring("/api/v1".length()), OPERATOR);
        while ("RUNNING".equals(session.get("status")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            session = ok(location.substring("/api/v1".length()), OPERATOR);
        }
        assertNotEquals("the session did not end within 2 minutes: " + session, "RUNNING", session.get("status"));
        assertNotNull(session.get("finished"));
        // the sample lab has no proxy that can read pve-web-01 (gp-01 is disabled): the task fails and says why
        List<Map<String, Object>> tasks = Json.objects(session.get("tasks"));
        assertEquals(session.toString(), 1, tasks.size());
        assertEquals("pve-web-01", tasks.get(0).get("vm"));
        assertEquals("FAILED", session.get("status"));
        assertTrue(session.toString(), String.valueOf(tasks.get(0).get("error")).contains("gp-01")
                || String.valueOf(session.get("message")).contains("gp-01"));
        // listed with the job's sessions, and recorded as the operator's job-run
        Map<String, Object> list = ok("/sessions?job=pve-daily&limit=5", VIEWER);
        assertTrue(list.toString(), Json.objects(list.get("items")).stream().anyMatch(s -> started.get("id").equals(s.get("id"))));
        Map<String, Object> audit = ok("/audit?user=" + OPERATOR, ADMIN);
        assertTrue(audit.toString(), Json.objects(audit.get("items")).stream()
                .anyMatch(e -> "job-run".equals(e.get("action")) && "OK".equals(e.get("result"))));
        // nothing runs any more: stopping is a conflict
        problem(call("POST", "/jobs/pve-daily/stop", OPERATOR), 409);
        // the failed disk runs again in a new session, which says what it retries
        problem(call("POST", location.substring("/api/v1".length()) + "/retry", VIEWER), 403);
        HttpResponse<String> retry = call("POST", location.substring("/api/v1".length()) + "/retry", OPERATOR);
        assertEquals(retry.body(), 202, retry.statusCode());
        Map<String, Object> retried = Json.object(Json.parse(retry.body()));
        assertEquals(started.get("id"), retried.get("retryOf"));
        Map<String, Object> second = ok("/sessions/" + retried.get("id"), OPERATOR);
        while ("RUNNING".equals(second.get("status")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            second = ok("/sessions/" + retried.get("id"), OPERATOR);
        }
        assertNotEquals("the retry did not end: " + second, "RUNNING", second.get("status"));
    }

    @Test
    public void aSessionsLiveProgressStreamsAsServerSentEventsToItsEnd() throws Exception {
        problem(call("GET", "/sessions/no-such-session/events", VIEWER), 404);
        problem(call("GET", "/sessions/no-such-session/events", null), 401);
        HttpResponse<String> run = call("POST", "/jobs/pve-daily/run", OPERATOR);
        assertEquals(run.body(), 202, run.statusCode());
        String id = String.valueOf(Json.object(Json.parse(run.body())).get("id"));

        // a viewer follows it: events until "end", then the server closes the stream
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/sessions/" + id + "/events"))
                .timeout(Duration.ofMinutes(3)).header("Accept", "text/event-stream")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((VIEWER + ":" + PASSWORD)
                        .getBytes(UTF_8))).GET().build();
        HttpResponse<java.util.stream.Stream<String>> stream = client.send(request,
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse("").replaceAll(";.*", ""));
        List<String> lines;
        try (java.util.stream.Stream<String> body = stream.body()) {
            lines = body.toList(); // ends when the server ends the stream
        }
        List<String> names = lines.stream().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
        assertEquals(lines.toString(), "end", names.get(names.size() - 1));
        assertTrue(lines.toString(), names.subList(0, names.size() - 1).stream().allMatch("session"::equals));
        String last = lines.stream().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElseThrow();
        Map<String, Object> end = Json.object(Json.parse(last.substring(6)));
        assertEquals(id, end.get("id"));
        assertNotEquals(String.valueOf(end), "RUNNING", end.get("status"));
        assertEquals(String.valueOf(end), ok("/sessions/" + id, VIEWER).get("status"), end.get("status"));
        assertNotNull(end.get("finished"));
    }

    @Test
    public void thePlanAndTheChecksSayWhatTheShellSays() throws Exception {
        HttpResponse<String> plan = call("GET", "/jobs/pve-daily/plan", VIEWER);
        assertEquals(plan.body(), 200, plan.statusCode());
        assertEquals("one mapping: the API's plan is ferry:select --json's", Json.parse(
                ferry.ok("ferry:select --json pve-daily")), Json.parse(plan.body()));
        HttpResponse<String> loaded = call("GET", "/vms/pve-web-01/plan?load=gp-01=3", VIEWER);
        assertEquals(loaded.body(), 200, loaded.statusCode());
        assertEquals(Json.parse(ferry.ok("ferry:select --json --load gp-01=3 pve-web-01")), Json.parse(loaded.body()));
        HttpResponse<String> checks = call("GET", "/checks", VIEWER);
        assertEquals(checks.body(), 200, checks.statusCode());
        assertEquals(Json.parse(ferry.ok("ferry:check --json")), Json.parse(checks.body()));
        HttpResponse<String> whatIf = call("GET", "/jobs/pve-daily/what-if?change=remove%20gp-01"
                + "&change=fail-transport%20hotadd", VIEWER);
        assertEquals(whatIf.body(), 200, whatIf.statusCode());
        assertEquals("the what-if is ferry:select --what-if's", Json.parse(ferry.ok(
                "ferry:select --json --what-if \"remove gp-01; fail-transport hotadd\" pve-daily")), Json.parse(whatIf.body()));
        assertFalse("removing gp-01 changes where pve-daily's disks go: " + whatIf.body(),
                Json.objects(Json.object(Json.parse(whatIf.body())).get("changes")).isEmpty());
        assertEquals("change", problem(call("GET", "/vms/pve-web-01/what-if", VIEWER), 422).get("field"));
        assertEquals("change", problem(call("GET", "/vms/pve-web-01/what-if?change=explode%20gp-01", VIEWER), 422)
                .get("field"));
        problem(call("GET", "/vms/no-such-vm/what-if?change=remove%20gp-01", VIEWER), 404);
        problem(call("GET", "/jobs/no-such-job/plan", VIEWER), 404);
        assertEquals("load", problem(call("GET", "/jobs/pve-daily/plan?load=gp-01", VIEWER), 422).get("field"));
    }

    private static HttpResponse<String> send(String method, String path, String user, String json, String ifMatch)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD)
                        .getBytes(UTF_8)))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void jobsAreCreatedReplacedAndDeletedWithOptimisticLocking() throws Exception {
        String job = "{\"name\": \"rest-crud\", \"platform\": \"PROXMOX\", \"vms\": [\"pve-web-01\"],"
                + " \"repository\": \"bkp-01\"}";
        problem(send("POST", "/jobs", OPERATOR, job, null), 403);
        assertEquals("platform", problem(send("POST", "/jobs", ADMIN, job.replace("PROXMOX", "NOPE"), null), 422)
                .get("field"));
        assertEquals("platfrom", problem(send("POST", "/jobs", ADMIN, job.replace("\"platform\"", "\"platfrom\""),
                null), 422).get("field"));
        assertEquals("vms", problem(send("POST", "/jobs", ADMIN, job.replace("[\"pve-web-01\"]", "\"pve-web-01\""),
                null), 422).get("field"));

        HttpResponse<String> created = send("POST", "/jobs", ADMIN, job, null);
        assertEquals(created.body(), 201, created.statusCode());
        assertEquals("/api/v1/jobs/rest-crud", created.headers().firstValue("Location").orElse(""));
        String etag = created.headers().firstValue("ETag").orElseThrow();
        assertEquals(etag, call("GET", "/jobs/rest-crud", VIEWER).headers().firstValue("ETag").orElse(""));
        assertEquals(409, send("POST", "/jobs", ADMIN, job, null).statusCode());

        String changed = job.replace("}", ", \"retention\": {\"keepLast\": 3}}");
        problem(send("PUT", "/jobs/rest-crud", ADMIN, changed, null), 428);
        problem(send("PUT", "/jobs/rest-crud", OPERATOR, changed, etag), 403);
        HttpResponse<String> updated = send("PUT", "/jobs/rest-crud", ADMIN, changed, etag);
        assertEquals(updated.body(), 200, updated.statusCode());
        String newer = updated.headers().firstValue("ETag").orElseThrow();
        assertNotEquals(etag, newer);
        assertEquals(3L, Json.object(Json.object(Json.parse(updated.body())).get("retention")).get("keepLast"));

        // a change made on the stale copy is refused, not applied
        Map<String, Object> stale = problem(send("PUT", "/jobs/rest-crud", ADMIN, job, etag), 409);
        assertTrue(stale.toString(), String.valueOf(stale.get("detail")).contains("changed since you read it"));
        assertEquals(3L, Json.object(ok("/jobs/rest-crud", VIEWER).get("retention")).get("keepLast"));
        problem(send("DELETE", "/jobs/rest-crud", ADMIN, null, etag), 409);
        HttpResponse<String> deleted = send("DELETE", "/jobs/rest-crud", ADMIN, null, newer);
        assertEquals(deleted.body(), 204, deleted.statusCode());
        problem(call("GET", "/jobs/rest-crud", VIEWER), 404);

        List<Map<String, Object>> trail = Json.objects(ok("/audit?limit=200", ADMIN).get("items"));
        for (String action : List.of("job-create", "job-update", "job-delete")) {
            assertTrue(action + " " + trail, trail.stream().anyMatch(e -> action.equals(e.get("action"))
                    && ADMIN.equals(e.get("user")) && "OK".equals(e.get("result"))));
        }
    }

    private static HttpResponse<String> createToken(String user, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/tokens")).timeout(CALL_TIMEOUT)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> withToken(String method, String path, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT)
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void aUserMakesATokenThatCallsAsThemWithItsRoleUntilItIsRevoked() throws Exception {
        Map<String, Object> higher = problem(createToken(VIEWER, "{\"role\": \"admin\"}"), 422);
        assertEquals("role", higher.get("field"));
        Map<String, Object> badRole = problem(createToken(ADMIN, "{\"role\": \"root\"}"), 422);
        assertEquals("role", badRole.get("field"));
        Map<String, Object> tooLong = problem(createToken(ADMIN, "{\"role\": \"viewer\", \"expires\": \"400d\"}"), 422);
        assertEquals("expires", tooLong.get("field"));
        assertEquals("body", problem(createToken(ADMIN, "not json"), 400).get("field"));

        HttpResponse<String> created = createToken(OPERATOR,
                "{\"role\": \"viewer\", \"expires\": \"1d\", \"description\": \"nightly-script\"}");
        assertEquals(created.body(), 201, created.statusCode());
        Map<String, Object> token = Json.object(Json.parse(created.body()));
        String text = (String) token.get("token");
        assertTrue(text, text.startsWith("ferry_" + token.get("id") + "_"));
        assertEquals("ferry-viewer", token.get("role"));
        assertEquals(OPERATOR, token.get("user"));
        assertEquals("/api/v1/tokens/" + token.get("id"), created.headers().firstValue("Location").orElse(""));

        // the token calls as its user, with the token's role: it reads, and may not run a job
        assertEquals(200, withToken("GET", "/servers", text).statusCode());
        Map<String, Object> refused = problem(withToken("POST", "/jobs/pve-daily/run", text), 403);
        assertTrue(refused.toString(), String.valueOf(refused.get("detail")).contains("'" + OPERATOR
                + "' (ferry-viewer)"));
        problem(withToken("GET", "/servers", text.substring(0, text.length() - 2) + "xx"), 401);

        // listed without its secret, to its user and to admins, not to other users
        String secret = text.substring(text.lastIndexOf('_') + 1);
        for (String user : List.of(OPERATOR, ADMIN)) {
            HttpResponse<String> list = call("GET", "/tokens", user);
            assertEquals(list.body(), 200, list.statusCode());
            assertFalse(list.body(), list.body().contains(secret));
            assertTrue(list.body(), Json.objects(Json.object(Json.parse(list.body())).get("items")).stream()
                    .anyMatch(t -> token.get("id").equals(t.get("id")) && "active".equals(t.get("state"))));
        }
        HttpResponse<String> viewers = call("GET", "/tokens", VIEWER);
        assertEquals(viewers.body(), 200, viewers.statusCode());
        assertFalse(viewers.body(), viewers.body().contains(String.valueOf(token.get("id"))));
        problem(call("DELETE", "/tokens/" + token.get("id"), VIEWER), 404);

        // revoked by an admin: refused at once, listed as revoked, and the trail names who did what
        HttpResponse<String> revoke = call("DELETE", "/tokens/" + token.get("id"), ADMIN);
        assertEquals(revoke.body(), 200, revoke.statusCode());
        assertEquals("revoked", Json.object(Json.parse(revoke.body())).get("state"));
        problem(withToken("GET", "/servers", text), 401);
        Map<String, Object> audit = ok("/audit?limit=200", ADMIN);
        List<Map<String, Object>> entries = Json.objects(audit.get("items"));
        assertTrue(audit.toString(), entries.stream().anyMatch(e -> "token-create".equals(e.get("action"))
                && OPERATOR.equals(e.get("user")) && "OK".equals(e.get("result"))));
        assertTrue(audit.toString(), entries.stream().anyMatch(e -> "token-revoke".equals(e.get("action"))
                && ADMIN.equals(e.get("user"))));
        assertTrue(audit.toString(), entries.stream().anyMatch(e -> "job-run".equals(e.get("action"))
                && OPERATOR.equals(e.get("user")) && "DENIED".equals(e.get("result"))));
        assertFalse("a token secret reached the audit trail", audit.toString().contains(secret));
    }

    @Test
    public void everyDocumentedPathAnswersAndTheDocumentListsThemAll() throws Exception {
        Map<String, Object> document = ok("/openapi.json", VIEWER);
        assertTrue(String.valueOf(document.get("openapi")).startsWith("3."));
        Map<String, Object> paths = Json.object(document.get("paths"));
        Map<String, String> examples = Map.of("{name}", "pve-daily", "{id}", "ffffffff-0000");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> path : paths.entrySet()) {
            String concrete = path.getKey();
            if (concrete.startsWith("/servers/")) {
                concrete = concrete.replace("{name}", "bkp-01").replace("{type}", "REPOSITORY");
            } else if (concrete.startsWith("/hosts/")) {
                concrete = "/hosts/pve-01";
            } else if (concrete.startsWith("/vms/")) {
                concrete = "/vms/pve-web-01";
            }
            for (Map.Entry<String, String> e : examples.entrySet()) {
                concrete = concrete.replace(e.getKey(), e.getValue());
            }
            for (String method : Json.object(path.getValue()).keySet()) {
                // a POST goes to a job that does not exist: routed (the service's 404), but nothing runs
                String target = method.equals("post") ? concrete.replace("pve-daily", "no-such-job") : concrete;
                HttpResponse<String> r = call(method.toUpperCase(), target, ADMIN);
                boolean missing = r.statusCode() == 405
                        || r.statusCode() == 404 && r.body().contains("No resource at");
                if (missing) {
                    problems.add(method + " " + path.getKey() + " (as " + concrete + ") answered " + r.statusCode());
                }
            }
        }
        // every path the API serves is documented: an undocumented one would answer other than 404 "No resource"
        for (String undocumented : List.of("/servers/bkp-01/disks", "/sessions/x/tasks", "/jobs/pve-daily/retry")) {
            HttpResponse<String> r = call("GET", undocumented, ADMIN);
            if (r.statusCode() != 404) {
                problems.add(undocumented + " is not documented but answered " + r.statusCode());
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());
        assertEquals(paths.keySet().toString(), 36, paths.size());
    }

    /**
     * Repositories, backups, verify and restore: a VM whose disk is a raw file under the disk root
     * is backed up by a job; a viewer lists the job repository and its backups, an operator
     * verifies it, only an administrator restores, into restore.roots only, never over an
     * existing file unless asked; the restored file has the disk's bytes.
     */
    @Test
    public void aBackedUpDiskIsListedVerifiedAndRestoredIntoRestoreRootsByAnAdministratorOnly() throws Exception {
        Path disk = Files.createDirectories(ferry.home().resolve("data/ferry/disks")).resolve("rest-restore-01.raw");
        byte[] data = new byte[3 << 20];
        new java.util.Random(42).nextBytes(data);
        try (var out = java.nio.channels.FileChannel.open(disk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap(data)); // data, a hole, data at the end
            out.write(java.nio.ByteBuffer.wrap(data), (32L << 20) - data.length);
        }
        ferry.ok("ferry:vm-add --host esx-01 --os linux:debian:12 --network 10.10.1.0/24 --disk label=scsi0:0,size=32M,"
                + "format=raw,location=" + disk + ",storage=ds-san01 rest-restore-01");
        HttpResponse<String> created = send("POST", "/jobs", ADMIN, "{\"name\": \"rest-restore\", \"platform\":"
                + " \"VMWARE\", \"vms\": [\"rest-restore-01\"], \"repository\": \"bkp-01\"}", null);
        assertEquals(created.body(), 201, created.statusCode());
        HttpResponse<String> run = call("POST", "/jobs/rest-restore/run", OPERATOR);
        assertEquals(run.body(), 202, run.statusCode());
        String location = run.headers().firstValue("Location").orElseThrow().substring("/api/v1".length());
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Map<String, Object> session = ok(location, OPERATOR);
        while ("RUNNING".equals(session.get("status")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            session = ok(location, OPERATOR);
        }
        assertEquals(session.toString(), "SUCCESS", session.get("status"));
        String backupId = String.valueOf(Json.objects(session.get("tasks")).get(0).get("backupId"));

        // a viewer lists the job repository and its backups, newest first, filtered by VM or disk
        Map<String, Object> repository = Json.objects(ok("/repositories", VIEWER).get("items")).stream()
                .filter(r -> "bkp-01".equals(r.get("server"))).findFirst().orElseThrow();
        assertEquals(repository.toString(), true, repository.get("exists"));
        assertTrue(repository.toString(), Json.array(repository.get("jobs")).contains("rest-restore"));
        Map<String, Object> info = Json.object(repository.get("info"));
        assertTrue(info.toString(), ((Number) info.get("backups")).longValue() >= 1);
        assertTrue(info.toString(), String.valueOf(info.get("path")).endsWith("bkp-01"));
        List<Map<String, Object>> backups = Json.objects(ok("/repositories/bkp-01/backups?vm=rest-restore-01", VIEWER)
                .get("items"));
        assertEquals(backups.toString(), 1, backups.size());
        assertEquals(backupId, backups.get(0).get("id"));
        assertEquals("rest-restore-01/scsi0:0", backups.get(0).get("disk"));
        assertEquals(session.get("id"), Json.object(backups.get(0).get("labels")).get("session"));
        assertEquals(1, Json.objects(ok("/repositories/bkp-01/backups?disk=rest-restore-01/scsi0:0", VIEWER)
                .get("items")).size());
        assertEquals(backupId, ok("/repositories/bkp-01/backups/" + backupId.substring(0, backupId.length() - 2),
                VIEWER).get("id"));
        problem(call("GET", "/repositories/no-such-server/backups", VIEWER), 404);

        // restore: administrators only; into restore.roots only; never over a file unless asked
        String request = "{\"repository\": \"bkp-01\", \"disk\": \"rest-restore-01/scsi0:0\", \"target\": \"%s\"%s}";
        problem(send("POST", "/restores", VIEWER, String.format(request, "rest-it/disk.raw", ""), null), 403);
        problem(send("POST", "/restores", OPERATOR, String.format(request, "rest-it/disk.raw", ""), null), 403);
        Path outside = ferry.home().resolve("data/rest-it-outside.raw");
        for (String target : List.of(outside.toString(), "../../rest-it-outside.raw")) {
            Map<String, Object> refused = problem(send("POST", "/restores", ADMIN, String.format(request, target, ""),
                    null), 422);
            assertEquals(refused.toString(), "restore.roots", refused.get("field"));
        }
        assertFalse(Files.exists(outside));
        assertEquals("target", problem(send("POST", "/restores", ADMIN, String.format(request,
                "nbd://127.0.0.1:10809/x", ""), null), 422).get("field"));
        assertEquals("tagret", problem(send("POST", "/restores", ADMIN, "{\"repository\": \"bkp-01\", \"disk\":"
                + " \"rest-restore-01/scsi0:0\", \"tagret\": \"x.raw\"}", null), 422).get("field"));

        HttpResponse<String> restored = send("POST", "/restores", ADMIN, String.format(request, "rest-it/disk.raw", ""),
                null);
        assertEquals(restored.body(), 200, restored.statusCode());
        Map<String, Object> result = Json.object(Json.parse(restored.body()));
        Path file = ferry.home().resolve("data/ferry/restores/rest-it/disk.raw").toRealPath();
        assertEquals(file.toString(), result.get("target"));
        assertEquals(backupId, result.get("backupId"));
        assertEquals(32L << 20, ((Number) result.get("size")).longValue());
        assertTrue(result.toString(), ((Number) result.get("writtenBytes")).longValue() >= 2L * data.length);
        assertTrue(result.toString(), ((Number) result.get("zeroBytes")).longValue() > 0);
        assertEquals("the restored file has the disk's bytes", -1L, Files.mismatch(disk, file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Map<String, Object> exists = problem(send("POST", "/restores", ADMIN, String.format(request, "rest-it/disk.raw",
                ""), null), 409);
        assertTrue(exists.toString(), String.valueOf(exists.get("detail")).contains("exists already"));
        assertEquals(200, send("POST", "/restores", ADMIN, String.format(request, "rest-it/disk.raw",
                ", \"overwrite\": true"), null).statusCode());
        assertEquals(-1L, Files.mismatch(disk, file));

        // a whole VM from its latest complete session, one file per disk in a directory under restore.roots
        HttpResponse<String> vm = send("POST", "/restores", ADMIN, "{\"vm\": \"rest-restore-01\", \"target\":"
                + " \"rest-it-vm\"}", null);
        assertEquals(vm.body(), 200, vm.statusCode());
        Map<String, Object> vmResult = Json.object(Json.parse(vm.body()));
        assertEquals(session.get("id"), vmResult.get("session"));
        assertEquals(1, Json.objects(vmResult.get("disks")).size());
        assertEquals(-1L, Files.mismatch(disk, ferry.home().resolve(
                "data/ferry/restores/rest-it-vm/rest-restore-01-scsi0_0.raw")));

        // verify: operators; every chunk of the named backup read back and checked
        problem(send("POST", "/repositories/bkp-01/verify", VIEWER, null, null), 403);
        HttpResponse<String> verified = send("POST", "/repositories/bkp-01/verify", OPERATOR, "{\"backups\": [\""
                + backupId + "\"]}", null);
        assertEquals(verified.body(), 200, verified.statusCode());
        Map<String, Object> report = Json.object(Json.parse(verified.body()));
        assertEquals(report.toString(), true, report.get("ok"));
        assertEquals(List.of(backupId), Json.array(report.get("backups")));
        assertTrue(report.toString(), ((Number) report.get("chunks")).longValue() >= 1);

        // each restore and verify is in the audit trail with its user
        List<Map<String, Object>> audit = Json.objects(ok("/audit?limit=200", ADMIN).get("items"));
        assertTrue(audit.toString(), audit.stream().anyMatch(e -> ADMIN.equals(e.get("user"))
                && "restore-disk".equals(e.get("action")) && "OK".equals(e.get("result"))));
        assertTrue(audit.toString(), audit.stream().anyMatch(e -> OPERATOR.equals(e.get("user"))
                && "restore-disk".equals(e.get("action")) && "DENIED".equals(e.get("result"))));
        assertTrue(audit.toString(), audit.stream().anyMatch(e -> OPERATOR.equals(e.get("user"))
                && "verify".equals(e.get("action")) && "OK".equals(e.get("result"))));
    }

    // --- inventory changes, import and export (issue 13) ---------------------------------------

    private static String etag(HttpResponse<String> r) {
        return r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + r.body()));
    }

    private static Map<String, Object> body(HttpResponse<String> r, int status) {
        assertEquals(r.request().method() + " " + r.uri() + ": " + r.body(), status, r.statusCode());
        return Json.object(Json.parse(r.body()));
    }

    /** The shell's view: the named object in {@code ferry:<list> --json}, or null. */
    private static Map<String, Object> inShell(String listCommand, String name) throws Exception {
        return Json.objects(Json.parse(ferry.ok(listCommand + " --json"))).stream()
                .filter(o -> name.equals(o.get("name"))).findFirst().orElse(null);
    }

    @Test
    public void anAdminAddsChangesAndRemovesServersRolesHostsAndVmsAndTheShellSeesIt() throws Exception {
        String server = "{\"name\": \"rest-px-01\", \"address\": \"10.10.1.77\", \"os\": \"linux:debian:12\","
                + " \"machineKind\": \"VIRTUAL\", \"networks\": [\"10.10.1.0/24\"]}";
        problem(send("POST", "/servers", VIEWER, server, null), 403);
        problem(send("POST", "/servers", OPERATOR, server, null), 403);
        assertEquals("adress", problem(send("POST", "/servers", ADMIN, server.replace("\"address\"", "\"adress\""),
                null), 422).get("field"));
        assertEquals("networks[0]", problem(send("POST", "/servers", ADMIN, server.replace("/24", "/99"), null), 422)
                .get("field"));
        assertEquals("roles", problem(send("POST", "/servers", ADMIN, server.replace("]}",
                "], \"roles\": [{\"type\": \"REPOSITORY\"}]}"), null), 422).get("field"));
        assertEquals("body", problem(send("POST", "/servers", ADMIN, "[" + server + "]", null), 400).get("field"));
        assertNull(inShell("ferry:server-list", "rest-px-01"));

        HttpResponse<String> created = send("POST", "/servers", ADMIN, server, null);
        assertEquals(created.body(), 201, created.statusCode());
        assertEquals("/api/v1/servers/rest-px-01", created.headers().firstValue("Location").orElse(""));
        String etag = etag(created);
        assertEquals(etag, etag(call("GET", "/servers/rest-px-01", VIEWER)));
        Map<String, Object> shown = inShell("ferry:server-list", "rest-px-01");
        assertNotNull("the shell does not list the server added over REST", shown);
        assertEquals(List.of("GUEST_INTERACTION"), Json.objects(shown.get("roles")).stream().map(r -> r.get("type")).toList());
        problem(send("POST", "/servers", ADMIN, server, null), 409);

        // replaced as a whole, with If-Match
        String changed = server.replace("]}", "], \"maxConcurrentTasks\": 6}");
        problem(send("PUT", "/servers/rest-px-01", ADMIN, changed, null), 428);
        problem(send("PUT", "/servers/rest-px-01", OPERATOR, changed, etag), 403);
        assertEquals("maxConcurrentTasks", problem(send("PUT", "/servers/rest-px-01", ADMIN,
                changed.replace("6}", "\"six\"}"), etag), 422).get("field"));
        HttpResponse<String> updated = send("PUT", "/servers/rest-px-01", ADMIN, changed, etag);
        assertEquals(6L, body(updated, 200).get("maxConcurrentTasks"));
        String newer = etag(updated);
        assertNotEquals(etag, newer);
        assertEquals(6L, inShell("ferry:server-list", "rest-px-01").get("maxConcurrentTasks"));
        Map<String, Object> stale = problem(send("PUT", "/servers/rest-px-01", ADMIN, server, etag), 409);
        assertTrue(stale.toString(), String.valueOf(stale.get("detail")).contains("changed since you read it"));
        assertEquals(6L, ok("/servers/rest-px-01", VIEWER).get("maxConcurrentTasks"));

        // roles: assigned and removed with the server's ETag; a server holding one is not removed
        assertEquals("transportMode", problem(send("POST", "/servers/rest-px-01/roles", ADMIN,
                "{\"type\": \"GENERAL_PURPOSE_PROXY\", \"transportMode\": \"NETWORK\"}", newer), 422).get("field"));
        problem(send("POST", "/servers/rest-px-01/roles", OPERATOR, "{\"type\": \"GENERAL_PURPOSE_PROXY\"}", newer), 403);
        problem(send("POST", "/servers/rest-px-01/roles", ADMIN, "{\"type\": \"GENERAL_PURPOSE_PROXY\"}", null), 428);
        HttpResponse<String> assigned = send("POST", "/servers/rest-px-01/roles", ADMIN,
                "{\"type\": \"GENERAL_PURPOSE_PROXY\"}", newer);
        assertTrue(assigned.body(), Json.objects(body(assigned, 200).get("roles")).stream()
                .anyMatch(r -> "GENERAL_PURPOSE_PROXY".equals(r.get("type"))));
        assertTrue(ferry.ok("ferry:server-list --role general-purpose-proxy").contains("rest-px-01"));
        String withRole = etag(assigned);
        Map<String, Object> referenced = problem(send("DELETE", "/servers/rest-px-01", ADMIN, null, withRole), 409);
        assertTrue(referenced.toString(), String.valueOf(referenced.get("detail")).contains("GENERAL_PURPOSE_PROXY"));
        assertEquals("type", problem(send("DELETE", "/servers/rest-px-01/roles/king", ADMIN, null, withRole), 422)
                .get("field"));
        HttpResponse<String> unassigned = send("DELETE", "/servers/rest-px-01/roles/general-purpose-proxy", ADMIN, null,
                withRole);
        assertFalse(unassigned.body(), Json.objects(body(unassigned, 200).get("roles")).stream()
                .anyMatch(r -> "GENERAL_PURPOSE_PROXY".equals(r.get("type"))));
        problem(send("DELETE", "/servers/rest-px-01", ADMIN, null, withRole), 409); // stale: the removal changed it
        HttpResponse<String> removed = send("DELETE", "/servers/rest-px-01", ADMIN, null, etag(unassigned));
        assertEquals(removed.body(), 204, removed.statusCode());
        problem(call("GET", "/servers/rest-px-01", VIEWER), 404);
        assertNull(inShell("ferry:server-list", "rest-px-01"));

        // a host and a VM on it
        String host = "{\"name\": \"rest-pve-02\", \"kind\": \"PROXMOX_NODE\", \"address\": \"10.10.1.78\","
                + " \"storage\": [{\"name\": \"local-lvm\", \"kind\": \"PVE_POOL\"}]}";
        problem(send("POST", "/hosts", VIEWER, host, null), 403);
        assertEquals("kind", problem(send("POST", "/hosts", ADMIN, host.replace("PROXMOX_NODE", "MAINFRAME"), null), 422)
                .get("field"));
        HttpResponse<String> hostCreated = send("POST", "/hosts", ADMIN, host, null);
        assertEquals("PROXMOX_NODE", body(hostCreated, 201).get("kind"));
        assertEquals("/api/v1/hosts/rest-pve-02", hostCreated.headers().firstValue("Location").orElse(""));
        assertNotNull(inShell("ferry:host-list", "rest-pve-02"));
        String vm = "{\"name\": \"rest-vm-01\", \"host\": \"rest-pve-02\", \"guestOs\": \"linux:debian:12\","
                + " \"networks\": [\"10.10.1.0/24\"], \"disks\": [{\"label\": \"scsi0\", \"capacityBytes\": 1073741824,"
                + " \"format\": \"RAW\", \"location\": \"/dev/pve/vm-9001-disk-0\", \"storage\": \"local-lvm\"}]}";
        problem(send("POST", "/vms", OPERATOR, vm, null), 403);
        assertEquals("disks[0].capacityBytes", problem(send("POST", "/vms", ADMIN, vm.replace("1073741824", "\"1G\""),
                null), 422).get("field"));
        assertEquals("vhd", problem(send("POST", "/vms", ADMIN, vm.replace("]}", "], \"vhd\": true}"), null), 422)
                .get("field"));
        HttpResponse<String> vmCreated = send("POST", "/vms", ADMIN, vm, null);
        assertEquals(1073741824L, Json.objects(body(vmCreated, 201).get("disks")).get(0).get("capacityBytes"));
        assertTrue(ferry.ok("ferry:vm-list --host rest-pve-02").contains("rest-vm-01"));
        String vmTag = etag(call("GET", "/vms/rest-vm-01", VIEWER));
        assertEquals(etag(vmCreated), vmTag);

        String hostTag = etag(call("GET", "/hosts/rest-pve-02", VIEWER));
        Map<String, Object> inUse = problem(send("DELETE", "/hosts/rest-pve-02", ADMIN, null, hostTag), 409);
        assertTrue(inUse.toString(), String.valueOf(inUse.get("detail")).contains("rest-vm-01"));
        problem(send("DELETE", "/vms/rest-vm-01", ADMIN, null, null), 428);
        problem(send("DELETE", "/vms/rest-vm-01", ADMIN, null, "\"99\""), 409);
        problem(send("DELETE", "/vms/rest-vm-01", OPERATOR, null, vmTag), 403);
        assertEquals(204, send("DELETE", "/vms/rest-vm-01", ADMIN, null, vmTag).statusCode());
        assertEquals(204, send("DELETE", "/hosts/rest-pve-02", ADMIN, null, hostTag).statusCode());
        problem(call("GET", "/vms/rest-vm-01", VIEWER), 404);
        assertNull(inShell("ferry:host-list", "rest-pve-02"));

        List<Map<String, Object>> trail = Json.objects(ok("/audit?limit=500", ADMIN).get("items"));
        for (String action : List.of("server-add", "server-update", "role-assign", "role-remove", "server-remove",
                "host-add", "host-remove", "vm-add", "vm-remove")) {
            assertTrue(action + " " + trail, trail.stream().anyMatch(e -> action.equals(e.get("action"))
                    && ADMIN.equals(e.get("user")) && "OK".equals(e.get("result"))));
        }
        assertTrue(trail.toString(), trail.stream().anyMatch(e -> "server-add".equals(e.get("action"))
                && VIEWER.equals(e.get("user")) && "DENIED".equals(e.get("result"))));
    }

    private static HttpResponse<String> importFile(String query, String user, String file) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/inventory/import" + query))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD)
                        .getBytes(UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(file)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void theExportIsTheShellsAndItsImportDryRunChangesNothingWhileABrokenFileIsRefusedWhole() throws Exception {
        problem(call("GET", "/inventory/export", OPERATOR), 403);
        HttpResponse<String> exported = call("GET", "/inventory/export", ADMIN);
        assertEquals(exported.body(), 200, exported.statusCode());
        ferry.ok("ferry:inventory-export samples/rest-it-export.json");
        assertEquals("the REST export is not what ferry:inventory-export writes",
                Files.readString(ferry.home().resolve("samples/rest-it-export.json"), UTF_8), exported.body());
        Map<String, Object> file = Json.object(Json.parse(exported.body()));
        assertEquals("ferry-inventory", file.get("format"));
        int vms = Json.array(file.get("vms")).size();
        assertTrue("vms " + vms, vms >= BULK_VMS);

        // refused before the body is read: a small one (a client that sends 30 MB before it reads the answer, as
        // Java's HttpClient does without a working Expect: 100-continue, sees the connection closed instead)
        problem(importFile("?dryRun=true", OPERATOR, "{}"), 403);
        assertEquals("dryRun", problem(importFile("", ADMIN, "{}"), 400).get("field"));
        Map<String, Object> report = body(importFile("?dryRun=true", ADMIN, exported.body()), 200);
        assertEquals(report.toString(), false, report.get("applied"));
        assertEquals(report.toString(), true, report.get("identicalToCurrent"));
        assertEquals((long) vms, report.get("vms"));
        assertEquals((long) Json.array(file.get("servers")).size(), report.get("servers"));
        assertEquals((long) Json.array(file.get("jobs")).size(), report.get("jobs"));
        Map<String, Object> other = body(importFile("?dryRun=true", ADMIN,
                exported.body().replaceFirst("\"maxConcurrentTasks\" ?: ?\\d+", "\"maxConcurrentTasks\" : 9")), 200);
        assertEquals(other.toString(), false, other.get("identicalToCurrent"));

        // a broken file, even without dry run, is refused naming the field, and nothing is written
        String broken = exported.body().replaceFirst("\"10\\.10\\.1\\.0/24\"", "\"10.10.1.0/99\"");
        assertNotEquals(exported.body(), broken);
        Map<String, Object> refused = problem(importFile("?dryRun=false", ADMIN, broken), 422);
        assertTrue(refused.toString(), String.valueOf(refused.get("field")).matches("servers\\[\\d+\\]\\.networks\\[0\\]"));
        Map<String, Object> malformed = problem(importFile("?dryRun=false", ADMIN, exported.body().substring(0, 500)), 422);
        assertTrue(malformed.toString(), String.valueOf(malformed.get("detail")).contains("line"));
        assertEquals("nothing of the broken files was written", exported.body(),
                call("GET", "/inventory/export", ADMIN).body());

        // the uploads and exports were private files under transfer.roots, deleted once answered
        Path uploads = ferry.home().resolve("data/ferry/transfer/" + ".rest-api");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(uploads)));
        try (Stream<Path> left = Files.list(uploads)) {
            assertEquals(List.of(), left.toList());
        }
        List<Map<String, Object>> trail = Json.objects(ok("/audit?limit=500", ADMIN).get("items"));
        assertTrue(trail.toString(), trail.stream().anyMatch(e -> "inventory-import".equals(e.get("action"))
                && ADMIN.equals(e.get("user")) && "ERROR".equals(e.get("result"))));
        assertTrue(trail.toString(), trail.stream().anyMatch(e -> "inventory-import".equals(e.get("action"))
                && OPERATOR.equals(e.get("user")) && "DENIED".equals(e.get("result"))));
    }

    /**
     * One JSON mapping (io.ferry.json): a job, a session run from the shell, the session lists,
     * plugins and agents read through the API are the shell's {@code --json}, member for member.
     */
    @Test
    public void aJobASessionAndTheListsSayWhatTheShellSays() throws Exception {
        HttpResponse<String> job = call("GET", "/jobs/pve-daily", VIEWER);
        assertEquals(job.body(), 200, job.statusCode());
        List<Object> shown = Json.array(Json.parse(ferry.ok("ferry:job-show --json pve-daily")));
        assertEquals("job-show --json prints an array of the one job", 1, shown.size());
        assertEquals("one mapping: GET /jobs/{name} is ferry:job-show --json's job", shown.get(0), Json.parse(job.body()));

        // a session run by the shell: job-run --json prints it as it ended (the lab's pve-daily fails, exit 1)
        UnpackedDistribution.Streams run = ferry.clientStreams("ferry:job-run --json pve-daily", Map.of());
        Map<String, Object> ran = Json.object(Json.parse(run.stdout()));
        assertNotEquals(run.stdout(), "RUNNING", ran.get("status"));
        String id = String.valueOf(ran.get("id"));
        HttpResponse<String> session = call("GET", "/sessions/" + id, VIEWER);
        assertEquals(session.body(), 200, session.statusCode());
        assertEquals("one mapping: GET /sessions/{id} is ferry:session-show --json's",
                Json.parse(ferry.ok("ferry:session-show --json " + id)), Json.parse(session.body()));
        assertEquals("one mapping: GET /sessions/{id} is what ferry:job-run --json printed", ran,
                Json.parse(session.body()));
        assertEquals("one mapping: GET /sessions?job= lists what ferry:session-list --json lists",
                Json.parse(ferry.ok("ferry:session-list --json --job pve-daily --limit 3")),
                ok("/sessions?job=pve-daily&limit=3", VIEWER).get("items"));

        assertEquals(Json.parse(ferry.ok("ferry:plugins --json")), ok("/plugins?limit=1000", VIEWER).get("items"));
        assertEquals(Json.parse(ferry.ok("ferry:agent-list --json")), ok("/agents?limit=1000", VIEWER).get("items"));
    }

    /** PUT /hosts/{name} and PUT /vms/{name}: replaced with If-Match, ids kept, the shell sees the change. */
    @Test
    public void anAdminChangesAHostAndAVmWithIfMatchAndTheShellSeesIt() throws Exception {
        String host = "{\"name\": \"rest-pve-03\", \"kind\": \"PROXMOX_NODE\", \"address\": \"10.10.1.79\","
                + " \"storage\": [{\"name\": \"local-lvm\", \"kind\": \"PVE_POOL\"}]}";
        String vm = "{\"name\": \"rest-vm-03\", \"host\": \"rest-pve-03\", \"guestOs\": \"linux:debian:12\","
                + " \"networks\": [\"10.10.1.0/24\"], \"disks\": [{\"label\": \"scsi0\", \"capacityBytes\": 1073741824,"
                + " \"format\": \"RAW\", \"location\": \"/dev/pve/vm-9003-disk-0\", \"storage\": \"local-lvm\"}]}";
        String hostTag = etag(send("POST", "/hosts", ADMIN, host, null));
        String vmTag = etag(send("POST", "/vms", ADMIN, vm, null));
        String vmId = String.valueOf(ok("/vms/rest-vm-03", VIEWER).get("id"));

        // the host: renamed, another address, a second storage
        String changedHost = host.replace("rest-pve-03", "rest-pve-03b").replace("10.10.1.79", "10.10.1.80")
                .replace("}]}", "}, {\"name\": \"nfs-03\", \"kind\": \"NFS\"}]}");
        problem(send("PUT", "/hosts/rest-pve-03", ADMIN, changedHost, null), 428);
        problem(send("PUT", "/hosts/rest-pve-03", VIEWER, changedHost, hostTag), 403);
        problem(send("PUT", "/hosts/rest-pve-03", OPERATOR, changedHost, hostTag), 403);
        assertEquals("storage[1].kind", problem(send("PUT", "/hosts/rest-pve-03", ADMIN,
                changedHost.replace("\"NFS\"", "\"CSV\""), hostTag), 422).get("field"));
        Map<String, Object> inUse = problem(send("PUT", "/hosts/rest-pve-03", ADMIN, changedHost.replace(
                "{\"name\": \"local-lvm\", \"kind\": \"PVE_POOL\"}, ", ""), hostTag), 422);
        assertEquals("storage", inUse.get("field"));
        assertTrue(inUse.toString(), String.valueOf(inUse.get("detail")).contains("rest-vm-03"));
        problem(send("PUT", "/hosts/no-such-host", ADMIN, changedHost, hostTag), 404);
        HttpResponse<String> hostUpdated = send("PUT", "/hosts/rest-pve-03", ADMIN, changedHost, hostTag);
        assertEquals("10.10.1.80", body(hostUpdated, 200).get("address"));
        String newHostTag = etag(hostUpdated);
        assertNotEquals(hostTag, newHostTag);
        assertEquals(newHostTag, etag(call("GET", "/hosts/rest-pve-03b", VIEWER)));
        problem(call("GET", "/hosts/rest-pve-03", VIEWER), 404);
        Map<String, Object> hostInShell = inShell("ferry:host-list", "rest-pve-03b");
        assertNotNull("the shell does not list the host renamed over REST", hostInShell);
        assertEquals("10.10.1.80", hostInShell.get("address"));
        assertEquals(2, Json.objects(hostInShell.get("storage")).size());
        assertNotNull("the VM follows its renamed host", inShell("ferry:vm-list --host rest-pve-03b", "rest-vm-03"));
        Map<String, Object> staleHost = problem(send("PUT", "/hosts/rest-pve-03b", ADMIN, changedHost, hostTag), 409);
        assertTrue(staleHost.toString(), String.valueOf(staleHost.get("detail")).contains("changed since you read it"));

        // the VM: renamed, a second disk on the new storage
        String changedVm = vm.replace("rest-vm-03", "rest-vm-03b").replace("rest-pve-03", "rest-pve-03b")
                .replace("}]}", "}, {\"label\": \"scsi1\", \"capacityBytes\": 2147483648, \"format\": \"QCOW2\","
                        + " \"location\": \"/mnt/pve/nfs-03/images/9003/vm-9003-disk-1.qcow2\", \"storage\": \"nfs-03\"}]}");
        problem(send("PUT", "/vms/rest-vm-03", ADMIN, changedVm, null), 428);
        problem(send("PUT", "/vms/rest-vm-03", VIEWER, changedVm, vmTag), 403);
        problem(send("PUT", "/vms/rest-vm-03", OPERATOR, changedVm, vmTag), 403);
        assertEquals("disks[1].capacityBytes", problem(send("PUT", "/vms/rest-vm-03", ADMIN,
                changedVm.replace("2147483648", "\"2G\""), vmTag), 422).get("field"));
        assertEquals("disks[1].storage", problem(send("PUT", "/vms/rest-vm-03", ADMIN,
                changedVm.replace("\"storage\": \"nfs-03\"", "\"storage\": \"ceph-01\""), vmTag), 422).get("field"));
        HttpResponse<String> vmUpdated = send("PUT", "/vms/rest-vm-03", ADMIN, changedVm, vmTag);
        Map<String, Object> vmBody = body(vmUpdated, 200);
        assertEquals(vmId, vmBody.get("id"));
        assertEquals(2, Json.objects(vmBody.get("disks")).size());
        String newVmTag = etag(vmUpdated);
        assertNotEquals(vmTag, newVmTag);
        problem(call("GET", "/vms/rest-vm-03", VIEWER), 404);
        Map<String, Object> vmInShell = inShell("ferry:vm-list --host rest-pve-03b", "rest-vm-03b");
        assertNotNull("the shell does not list the VM renamed over REST", vmInShell);
        assertEquals(List.of("scsi0", "scsi1"), Json.objects(vmInShell.get("disks")).stream().map(d -> d.get("label"))
                .toList());
        problem(send("PUT", "/vms/rest-vm-03b", ADMIN, changedVm, vmTag), 409);

        assertEquals(204, send("DELETE", "/vms/rest-vm-03b", ADMIN, null, newVmTag).statusCode());
        assertEquals(204, send("DELETE", "/hosts/rest-pve-03b", ADMIN, null, newHostTag).statusCode());
        List<Map<String, Object>> trail = Json.objects(ok("/audit?limit=500", ADMIN).get("items"));
        for (String action : List.of("host-update", "vm-update")) {
            assertTrue(action + " " + trail, trail.stream().anyMatch(e -> action.equals(e.get("action"))
                    && ADMIN.equals(e.get("user")) && "OK".equals(e.get("result"))));
            assertTrue(action + " " + trail, trail.stream().anyMatch(e -> action.equals(e.get("action"))
                    && VIEWER.equals(e.get("user")) && "DENIED".equals(e.get("result"))));
        }
    }
}
