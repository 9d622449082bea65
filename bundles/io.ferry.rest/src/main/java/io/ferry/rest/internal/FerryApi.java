package io.ferry.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import io.ferry.api.security.ApiToken;
import io.ferry.api.security.ApiTokens;
import io.ferry.api.security.NewApiToken;
import io.ferry.api.security.FerryRole;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionService;
import io.ferry.api.session.SessionStatus;
import io.ferry.json.FerryJson;
import io.ferry.json.Views;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources of {@code /api/v1}: each route is one call of a Ferry service, the call the
 * matching shell command makes (io.ferry.shell), so the services' role checks and audit trail
 * apply as they do in the shell. Read routes need {@code ferry-viewer}, job run and stop
 * {@code ferry-operator}, the audit trail {@code ferry-admin}: the services decide.
 */
final class FerryApi {
    static final String BASE = "/api/v1";
    static final String OPENAPI_RESOURCE = "openapi.json";
    private static final Pattern VALIDITY = Pattern.compile("(\\d{1,6})([mhd])");

    private final InventoryService inventory;
    private final InventoryTransfer transfer;
    private final JobService jobs;
    private final SessionService sessions;
    private final SelectionService selection;
    private final AuditLog audit;
    private final Supplier<Optional<AgentRegistry>> agents;
    private final ApiTokens tokens;
    private final Audit audited;
    private final ObjectMapper mapper;
    private final Views views;
    private final Clock clock;
    private final Router router = new Router();
    /** The selection records as they are (io.ferry.json's {@link FerryJson}, as the shell prints them). */
    private final ObjectMapper records;
    private final io.ferry.api.session.JobRepositoryService jobRepositories;
    /** Where the inventory import and export keep their files ({@link InventoryRoutes}). */
    private final io.ferry.api.paths.PathPolicy paths;

    FerryApi(InventoryService inventory, InventoryTransfer transfer, JobService jobs, SessionService sessions,
            SelectionService selection, AuditLog audit, Supplier<Optional<AgentRegistry>> agents, ApiTokens tokens,
            ObjectMapper mapper, Clock clock, io.ferry.api.session.JobRepositoryService jobRepositories,
            io.ferry.api.paths.PathPolicy paths) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.transfer = Objects.requireNonNull(transfer, "transfer");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.selection = Objects.requireNonNull(selection, "selection");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.audited = Audit.to(audit);
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.views = new Views(mapper);
        this.records = FerryJson.configure(mapper);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jobRepositories = Objects.requireNonNull(jobRepositories, "jobRepositories");
        this.paths = Objects.requireNonNull(paths, "paths");
        routes(router);
    }

    Router router() {
        return router;
    }

    private void routes(Router r) {
        r.get("/openapi.json", req -> new ApiResponse(200, openApi(), ApiResponse.JSON, Map.of()));
        r.get("/servers", this::servers);
        r.get("/servers/{name}", req -> InventoryRoutes.tagged(200, server(req.parameter("name"))));
        r.get("/roles", this::roles);
        r.get("/hosts", this::hosts);
        r.get("/hosts/{name}", req -> InventoryRoutes.tagged(200, host(req.parameter("name"))));
        r.get("/vms", this::vms);
        r.get("/vms/{name}", req -> InventoryRoutes.tagged(200, vm(req.parameter("name"))));
        r.get("/jobs", req -> ApiResponse.ok(inMemoryPage(req, jobs.jobs(), "/jobs", views::job)));
        r.get("/jobs/{name}", req -> versioned(200, job(req.parameter("name"))));
        r.post("/jobs", req -> created(jobs.createJob(JobBodies.spec(req.jsonObject(mapper)))));
        r.add("PUT", "/jobs/{name}", this::updateJob);
        r.add("DELETE", "/jobs/{name}", this::deleteJob);
        r.post("/jobs/{name}/run", this::runJob);
        r.post("/jobs/{name}/stop", req -> ApiResponse.ok(views.session(sessions.stop(req.parameter("name")), true)));
        r.get("/jobs/{name}/plan", req -> ApiResponse.ok(records.valueToTree(selection.planJob(
                req.parameter("name"), load(req)))));
        r.get("/vms/{name}/plan", req -> ApiResponse.ok(records.valueToTree(selection.planVm(
                req.parameter("name"), load(req)))));
        r.get("/jobs/{name}/what-if", req -> whatIf(job(req.parameter("name")).name(), req));
        r.get("/vms/{name}/what-if", req -> whatIf(vm(req.parameter("name")).path("name").asText(), req));
        r.get("/checks", req -> ApiResponse.ok(records.valueToTree(selection.check(
                req.query("server")))));
        r.get("/sessions", this::sessions);
        r.get("/sessions/{id}", this::session);
        r.get("/sessions/{id}/events", this::sessionEvents);
        r.post("/sessions/{id}/retry", this::retrySession);
        r.get("/audit", this::auditTrail);
        r.get("/plugins", req -> ApiResponse.ok(inMemoryPage(req, selection.plugins(), "/plugins", views::plugin)));
        r.get("/agents", this::agentList);
        r.get("/tokens", this::tokenList);
        r.post("/tokens", this::createToken);
        r.add("DELETE", "/tokens/{id}", this::revokeToken);
        new RepositoryRoutes(jobRepositories, mapper).addTo(r);
        new InventoryRoutes(inventory, transfer, audited, mapper, paths).register(r);
    }

    // --- inventory ----------------------------------------------------------------------------

    private ApiResponse servers(ApiRequest req) {
        List<ManagedServer> all = inventory.servers();
        return ApiResponse.ok(exportedPage(req, all, "/servers", transfer::writeServers));
    }

    private JsonNode server(String name) {
        ManagedServer server = inventory.server(name).orElseThrow(() -> notFound("server", name, "/servers"));
        return exported(List.of(server), transfer::writeServers).get(0);
    }

    /** Every role held, one item per server and role: the server's name and the role as the export file writes it. */
    private ApiResponse roles(ApiRequest req) {
        List<ManagedServer> all = inventory.servers();
        JsonNode servers = exported(all, transfer::writeServers);
        List<JsonNode> roles = new ArrayList<>();
        for (JsonNode server : servers) {
            for (JsonNode role : server.path("roles")) {
                ObjectNode item = mapper.createObjectNode().put("server", server.path("name").asText());
                item.setAll((ObjectNode) role);
                roles.add(item);
            }
        }
        return ApiResponse.ok(inMemoryPage(req, roles, "/roles", Function.identity()));
    }

    private ApiResponse hosts(ApiRequest req) {
        return ApiResponse.ok(exportedPage(req, inventory.hosts(), "/hosts", transfer::writeHosts));
    }

    private JsonNode host(String name) {
        PlatformHost host = inventory.host(name).orElseThrow(() -> notFound("host", name, "/hosts"));
        return exported(List.of(host), transfer::writeHosts).get(0);
    }

    /** VMs page by page from the inventory (VmQuery's offset and limit): 100k VMs never come back at once. */
    private ApiResponse vms(ApiRequest req) {
        PageRequest page = PageRequest.of(req);
        Optional<String> host = req.query("host");
        Optional<String> contains = req.query("contains");
        VmQuery query = new VmQuery(host, contains, page.offset(), page.limit() + 1);
        List<VirtualMachine> fetched = inventory.vms(query);
        StringBuilder filters = new StringBuilder();
        host.ifPresent(h -> filters.append("host=").append(Paths.encode(h)).append('&'));
        contains.ifPresent(c -> filters.append("contains=").append(Paths.encode(c)).append('&'));
        Page<VirtualMachine> p = page.page(fetched, BASE + "/vms", filters.toString());
        // counting 100k VMs costs a scan of the table: only the first page of an unfiltered list says the total
        Long total = host.isEmpty() && contains.isEmpty() && page.offset() == 0 ? inventory.summary().vms() : null;
        return ApiResponse.ok(p.body(mapper, exported(p.items(), transfer::writeVms), total));
    }

    private JsonNode vm(String name) {
        VirtualMachine vm = inventory.vm(name).orElseThrow(() -> notFound("VM", name, "/vms"));
        return exported(List.of(vm), transfer::writeVms).get(0);
    }

    // --- jobs and sessions --------------------------------------------------------------------

    private Job job(String name) {
        return jobs.job(name).orElseThrow(() -> notFound("job", name, "/jobs"));
    }

    /** A job with its version as the ETag: what If-Match names in a PUT or DELETE. */
    private ApiResponse versioned(int status, Job job) {
        return new ApiResponse(status, views.job(job), ApiResponse.JSON, Map.of("ETag", etag(job)));
    }

    private ApiResponse created(Job job) {
        return new ApiResponse(201, views.job(job), ApiResponse.JSON, Map.of("ETag", etag(job),
                "Location", BASE + "/jobs/" + Paths.encode(job.name())));
    }

    static String etag(Job job) {
        return ETags.of(job.version());
    }

    /** The version a change names in If-Match: required (428), a number (400), the job's current one (409). */
    private static long expectedVersion(ApiRequest req, Job current) {
        return ETags.expected(req, "job", current.name(), current.version(), "/jobs/");
    }

    /** PUT /jobs/{name}: the whole job, replaced, when If-Match names its current version. */
    private ApiResponse updateJob(ApiRequest req) {
        Job current = job(req.parameter("name"));
        JobSpec spec = JobBodies.spec(req.jsonObject(mapper));
        return versioned(200, jobs.updateJob(current.id(), expectedVersion(req, current), spec));
    }

    /** DELETE /jobs/{name}: 204, when If-Match names its current version. */
    private ApiResponse deleteJob(ApiRequest req) {
        Job current = job(req.parameter("name"));
        expectedVersion(req, current);
        jobs.deleteJob(current.id());
        return new ApiResponse(204, new byte[0], ApiResponse.JSON, Map.of());
    }

    /** Starts a session of the job (as ferry:job-run --no-wait); 202 with the session's address. */
    private ApiResponse runJob(ApiRequest req) {
        Session started = sessions.start(req.parameter("name"), "manual");
        return ApiResponse.accepted(views.session(started, true), BASE + "/sessions/" + Paths.encode(started.id()));
    }

    /** Runs the failed and stopped tasks of a finished session again (as ferry:job-retry --no-wait). */
    private ApiResponse retrySession(ApiRequest req) {
        Session started = sessions.retry(req.parameter("id"));
        return ApiResponse.accepted(views.session(started, true), BASE + "/sessions/" + Paths.encode(started.id()));
    }

    private ApiResponse sessions(ApiRequest req) {
        PageRequest page = PageRequest.of(req);
        Optional<String> job = req.query("job");
        long wanted = (long) page.offset() + page.limit() + 1;
        if (wanted > Integer.MAX_VALUE) {
            throw new BadRequestException("offset", "is too large");
        }
        List<Session> newest = sessions.sessions(job.orElse(null), (int) wanted);
        List<Session> fetched = page.offset() >= newest.size() ? List.of() : newest.subList(page.offset(), newest.size());
        Page<Session> p = page.page(fetched, BASE + "/sessions",
                job.map(j -> "job=" + Paths.encode(j) + "&").orElse(""));
        ArrayNode items = mapper.createArrayNode();
        p.items().forEach(s -> items.add(views.session(s, false)));
        return ApiResponse.ok(p.body(mapper, items, null));
    }

    /** One session with its guests and per-disk tasks; while it runs, its tasks' live progress too. */
    private ApiResponse session(ApiRequest req) {
        String id = req.parameter("id");
        Session s = sessions.session(id).orElseThrow(() -> notFound("session", id, "/sessions"));
        return ApiResponse.ok(sessionBody(s));
    }

    ObjectNode sessionBody(Session s) {
        return views.session(s, sessions);
    }

    /**
     * What {@code GET /sessions/{id}/events} streams, read once: the session as {@code GET
     * /sessions/{id}} shows it, as an event ({@code session} while it runs, {@code end} after).
     * ApiServlet serves the live stream ({@link SessionEvents}); this answers a client that
     * reaches the route through the request pipeline alone.
     */
    private ApiResponse sessionEvents(ApiRequest req) {
        String id = req.parameter("id");
        Session s = sessions.session(id).orElseThrow(() -> notFound("session", id, "/sessions"));
        SessionEvents.State state = eventState(s);
        return new ApiResponse(200, SessionEvents.event(state.ended() ? "end" : "session", state.json()),
                SessionEvents.CONTENT_TYPE, Map.of());
    }

    /** The state a feed of {@link SessionEvents} sends: the session's JSON on one line, and whether it ended. */
    SessionEvents.State eventState(Session s) {
        try {
            return new SessionEvents.State(mapper.writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(sessionBody(s)),
                    s.status() != SessionStatus.RUNNING);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a session view could not be written as JSON", e);
        }
    }

    /** The live state of a session for {@link SessionEvents}, read as Ferry itself; empty when it is gone. */
    Optional<SessionEvents.State> eventState(String sessionId) {
        return sessions.session(sessionId).map(this::eventState);
    }

    // --- audit, plugins, agents ---------------------------------------------------------------

    /** Newest first, by entry number: {@code ?before=} is the cursor of the next page. */
    private ApiResponse auditTrail(ApiRequest req) {
        int limit = new PageRequest(0, PageRequest.number(req.query("limit"), "limit", PageRequest.DEFAULT_LIMIT)).limit();
        int before = PageRequest.number(req.query("before"), "before", 0);
        if (before < 0) {
            throw new ValidationException("before", "must be an entry number, not " + before);
        }
        Optional<Instant> since = req.query("since").map(FerryApi::instant);
        Optional<String> user = req.query("user");
        AuditPage page = audit.query(new AuditQuery(since, user, limit,
                before == 0 ? OptionalLong.empty() : OptionalLong.of(before)));
        ObjectNode body = mapper.createObjectNode();
        ArrayNode items = body.putArray("items");
        page.entries().forEach(e -> items.add(views.auditEntry(e)));
        body.put("limit", limit);
        if (page.next().isPresent()) {
            StringBuilder next = new StringBuilder(BASE + "/audit?");
            user.ifPresent(u -> next.append("user=").append(Paths.encode(u)).append('&'));
            req.query("since").ifPresent(s -> next.append("since=").append(Paths.encode(s)).append('&'));
            next.append("before=").append(page.next().getAsLong()).append("&limit=").append(limit);
            body.put("next", next.toString());
        } else {
            body.putNull("next");
        }
        return ApiResponse.ok(body);
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadRequestException("since", "'" + text + "' is not an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        }
    }

    private ApiResponse agentList(ApiRequest req) {
        Instant now = clock.instant();
        return ApiResponse.ok(inMemoryPage(req, agents.get().map(AgentRegistry::agents).orElse(List.of()), "/agents",
                a -> views.agent(a, now)));
    }

    /** {@code ?load=SERVER=N} (repeatable): tasks already running on a server, as ferry:select --load. */
    /**
     * GET /jobs/{name}/what-if and /vms/{name}/what-if: today's plan, the plan on a changed copy of
     * the inventory ({@code change}, repeatable, in {@link Scenario#parse}'s words) and what changed, as
     * {@code ferry:select --what-if ... --json} prints it.
     */
    private ApiResponse whatIf(String subject, ApiRequest req) {
        List<String> changes = req.query().getOrDefault("change", List.of());
        String text = String.join("; ", changes);
        if (text.isBlank()) {
            throw new ValidationException("change", "name at least one change: change=remove SERVER, change=slots"
                    + " SERVER=N or change=fail-transport MODE (repeatable)");
        }
        Scenario scenario;
        try {
            scenario = Scenario.parse(text);
        } catch (ValidationException e) {
            throw new ValidationException("change", e.problem());
        }
        return ApiResponse.ok(records.valueToTree(selection.whatIf(subject, scenario, load(req))));
    }

    private static io.ferry.api.selection.Load load(ApiRequest req) {
        java.util.Map<String, Integer> running = new java.util.TreeMap<>();
        for (String entry : req.query().getOrDefault("load", List.of())) {
            int eq = entry.indexOf('=');
            try {
                int n = Integer.parseInt(entry.substring(eq + 1).strip());
                if (eq < 1 || n < 0) {
                    throw new NumberFormatException();
                }
                running.merge(entry.substring(0, eq).strip(), n, Integer::sum);
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new ValidationException("load", "'" + entry + "' is not SERVER=N with N >= 0");
            }
        }
        return running.isEmpty() ? io.ferry.api.selection.Load.NONE : new io.ferry.api.selection.Load(running);
    }

    // --- API tokens (io.ferry.api.security.ApiTokens: each user their own, an admin everyone's) ---

    private ApiResponse tokenList(ApiRequest req) {
        Instant now = clock.instant();
        return ApiResponse.ok(inMemoryPage(req, tokens.list(), "/tokens", t -> tokenView(t, now)));
    }

    /**
     * {@code {"role": "operator", "expires": "30d", "description": "nightly report"}}: a token of
     * the calling user, 201 with its text, shown only now.
     */
    private ApiResponse createToken(ApiRequest req) {
        JsonNode body = req.jsonObject(mapper);
        FerryRole role = role(ApiRequest.text(body, "role")
                .orElseThrow(() -> new ValidationException("role", "is missing")));
        Duration validity = validity(ApiRequest.text(body, "expires").orElse("30d"));
        String description = ApiRequest.text(body, "description").or(() -> ApiRequest.text(body, "name"))
                .orElse("");
        NewApiToken created = tokens.create(role, validity, description);
        return new ApiResponse(201, views.token(created, clock.instant()), ApiResponse.JSON,
                Map.of("Location", BASE + "/tokens/" + created.token().id()));
    }

    private ApiResponse revokeToken(ApiRequest req) {
        return ApiResponse.ok(tokenView(tokens.revoke(req.parameter("id")), clock.instant()));
    }

    private ObjectNode tokenView(ApiToken t, Instant now) {
        return views.token(t, now);
    }

    /** {@code viewer}, {@code operator}, {@code admin}, or the role names {@code ferry-viewer}... */
    static FerryRole role(String text) {
        return FerryRole.ofRoleName(text).or(() -> FerryRole.ofRoleName("ferry-" + text))
                .orElseThrow(() -> new ValidationException("role", "'" + text + "' is not a Ferry role: viewer,"
                        + " operator or admin"));
    }

    /** {@code 30m}, {@code 12h}, {@code 30d}. */
    static Duration validity(String text) {
        Matcher m = VALIDITY.matcher(text.strip());
        if (!m.matches()) {
            throw new ValidationException("expires", "'" + text + "' is not a duration such as 30m, 12h or 30d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    // --- helpers ------------------------------------------------------------------------------

    private byte[] openApi() throws IOException {
        try (InputStream in = FerryApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundle has no " + OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        }
    }

    /** Items as the inventory export writes them (the shell's --json of server-list, host-list, vm-list). */
    private <T> JsonNode exported(List<T> items, BiConsumer<List<T>, java.io.OutputStream> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.accept(items, out);
        try {
            return mapper.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("the inventory wrote JSON Jackson cannot read", e);
        }
    }

    private <T> ObjectNode inMemoryPage(ApiRequest req, List<T> all, String path, Function<T, JsonNode> view) {
        PageRequest page = PageRequest.of(req);
        Page<T> p = page.page(page.window(all), BASE + path, "");
        ArrayNode items = mapper.createArrayNode();
        p.items().forEach(item -> items.add(view.apply(item)));
        return p.body(mapper, items, (long) all.size());
    }

    private <T> ObjectNode exportedPage(ApiRequest req, List<T> all, String path,
            BiConsumer<List<T>, java.io.OutputStream> writer) {
        PageRequest page = PageRequest.of(req);
        Page<T> p = page.page(page.window(all), BASE + path, "");
        return p.body(mapper, exported(p.items(), writer), (long) all.size());
    }

    private static NotFoundException notFound(String kind, String name, String list) {
        if (name.isBlank()) {
            throw new ValidationException("name", "must not be blank");
        }
        return new NotFoundException("No " + kind + " named '" + name + "' (GET " + BASE + list + " lists them)");
    }
}
