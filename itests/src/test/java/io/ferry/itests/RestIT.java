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
    private static final int BULK_VMS = 350;

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

    /** The sample lab plus {@value #BULK_VMS} Proxmox VMs {@code bulk-000}... on host pve-01. */
    private static void writeBulkInventory(Path target) throws IOException {
        String lab = Files.readString(ferry.home().resolve("samples/lab-inventory.json"), UTF_8);
        StringBuilder vms = new StringBuilder("\"vms\": [\n");
        for (int i = 0; i < BULK_VMS; i++) {
            vms.append(String.format("    {\"name\": \"bulk-%03d\", \"host\": \"pve-01\", \"guestOs\": \"linux:debian:12\","
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
        assertEquals("GET", delete.headers().firstValue("Allow").orElse(""));
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
    public void hundredsOfVmsArePagedWithNextLinksAndATotalOnTheFirstPage() throws Exception {
        int expected = BULK_VMS + 7;
        Set<String> seen = new HashSet<>();
        String next = "/vms?limit=100";
        int pages = 0;
        while (next != null) {
            Map<String, Object> page = ok(next, VIEWER);
            pages++;
            // only the first page counts the inventory
            assertEquals(next, pages == 1 ? (Object) (long) expected : null, page.get("total"));
            List<Map<String, Object>> items = Json.objects(page.get("items"));
            assertTrue(next + " returned " + items.size() + " items", items.size() <= 100 && !items.isEmpty());
            for (Map<String, Object> vm : items) {
                assertTrue("VM " + vm.get("name") + " came twice", seen.add((String) vm.get("name")));
                assertNotNull(vm.get("disks"));
            }
            Object link = page.get("next");
            next = link == null ? null : ((String) link).substring("/api/v1".length());
            assertTrue("paging does not end", pages <= 10);
        }
        assertEquals(4, pages);
        assertEquals(expected, seen.size());
        // a filter pages too, without a total
        Map<String, Object> filtered = ok("/vms?contains=bulk-1&limit=20", VIEWER);
        assertEquals(20, Json.objects(filtered.get("items")).size());
        assertNull(filtered.get("total"));
        assertEquals("/api/v1/vms?contains=bulk-1&offset=20&limit=20", filtered.get("next"));
        Map<String, Object> last = ok("/vms?contains=bulk-1&offset=80&limit=20", VIEWER);
        assertEquals(20, Json.objects(last.get("items")).size()); // bulk-100..bulk-199: 100 names
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
                concrete = "/servers/bkp-01";
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
        for (String undocumented : List.of("/servers/bkp-01/roles", "/sessions/x/tasks", "/jobs/pve-daily/retry")) {
            HttpResponse<String> r = call("GET", undocumented, ADMIN);
            if (r.statusCode() != 404) {
                problems.add(undocumented + " is not documented but answered " + r.statusCode());
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());
        assertEquals(paths.keySet().toString(), 25, paths.size());
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
}
