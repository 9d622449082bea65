package io.ferry.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.job.JobService;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.session.SessionService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code /api/v1/*} on Karaf's HTTP whiteboard (Pax Web; the listener is HTTPS only, see
 * {@link HttpsListener}). Every request logs in with HTTP Basic against the JAAS realm
 * {@code karaf}, the shell's, and runs as that user ({@link Subject#doAs}), so Ferry's
 * services check its roles and audit its changes exactly as for a shell command.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/v1/*",
        "osgi.http.whiteboard.servlet.name=ferry-rest-api",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String REALM = "karaf";
    static final String CHALLENGE = "Basic realm=\"Ferry\", charset=\"UTF-8\"";
    /** Request bodies are small JSON objects. */
    static final int MAX_BODY = 64 * 1024;

    private static final java.util.regex.Pattern EVENTS = java.util.regex.Pattern.compile("/sessions/([^/]+)/events");

    private final transient RequestHandler handler;
    private final transient SessionEvents events;
    private final transient ObjectMapper mapper;

    @Activate
    public ApiServlet(@Reference InventoryService inventory, @Reference InventoryTransfer transfer,
            @Reference JobService jobs, @Reference SessionService sessions, @Reference SelectionService selection,
            @Reference AuditLog audit, @Reference io.ferry.api.security.ApiTokens tokens,
            @Reference ConsoleSessionStore consoleSessions, @Reference io.ferry.api.paths.PathPolicy paths,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            AgentRegistry agents, @Reference io.ferry.api.session.JobRepositoryService jobRepositories) {
        this.mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        FerryApi api = new FerryApi(inventory, transfer, jobs, sessions, selection, audit,
                () -> Optional.ofNullable(agents), tokens, mapper, Clock.systemUTC(), jobRepositories, paths);
        this.events = new SessionEvents(api::eventState);
        this.handler = new RequestHandler(api.router(), new Logins(new JaasAuthenticator(REALM)::login, tokens), mapper,
                new SessionCookieLogin(consoleSessions));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getContextPath() + request.getServletPath();
        String raw = request.getRequestURI();
        String path = raw.startsWith(prefix) ? raw.substring(prefix.length()) : raw;
        java.util.regex.Matcher live = EVENTS.matcher(path);
        if (request.getMethod().equals("GET") && live.matches()) {
            // login, role and the session's existence as for GET /sessions/{id}; then the live stream
            RequestHandler.Answer check = handler.handle("GET", "/sessions/" + live.group(1),
                    query(request.getQueryString()), request::getHeader);
            if (check.status() == 200 && stream(request, response, check)) {
                return;
            }
            write(request, response, check.status() == 200 ? unavailable() : check);
            return;
        }
        RequestHandler.Answer answer = handler.handle(request.getMethod(), path, query(request.getQueryString()),
                request::getHeader, () -> body(request), () -> stream(request));
        write(request, response, answer);
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, RequestHandler.Answer answer)
            throws IOException {
        response.setStatus(answer.status());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        answer.headers().forEach(response::setHeader);
        response.setContentType(answer.contentType());
        if (answer.file() != null) {
            writeFile(request, response, answer.file());
            return;
        }
        response.setContentLength(answer.body().length);
        if (!request.getMethod().toUpperCase(Locale.ROOT).equals("HEAD")) {
            try (OutputStream out = response.getOutputStream()) {
                out.write(answer.body());
            }
        }
    }

    /** A body written to a private file by the handler (an inventory export): streamed, then deleted. */
    private static void writeFile(HttpServletRequest request, HttpServletResponse response, java.nio.file.Path file)
            throws IOException {
        try {
            response.setContentLengthLong(java.nio.file.Files.size(file));
            if (!request.getMethod().toUpperCase(Locale.ROOT).equals("HEAD")) {
                try (OutputStream out = response.getOutputStream()) {
                    java.nio.file.Files.copy(file, out);
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    private static InputStream stream(HttpServletRequest request) {
        try {
            return request.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the request body", e);
        }
    }

    /** Starts the live stream of the session {@code check} shows; false when too many streams are open. */
    private boolean stream(HttpServletRequest request, HttpServletResponse response, RequestHandler.Answer check)
            throws IOException {
        if (events.subscribers() >= SessionEvents.MAX_SUBSCRIBERS) {
            return false;
        }
        String id = mapper.readTree(check.body()).path("id").asText();
        response.setStatus(200);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Accel-Buffering", "no");
        response.setContentType(SessionEvents.CONTENT_TYPE);
        javax.servlet.AsyncContext context = request.startAsync();
        context.setTimeout(0); // the feed ends the stream: when the session ends, or the client goes away
        OutputStream out = response.getOutputStream();
        boolean added = events.subscribe(id, new SessionEvents.Subscriber() {
            @Override
            public synchronized void send(byte[] event) throws IOException {
                out.write(event);
                out.flush();
            }

            @Override
            public void close() {
                try {
                    context.complete();
                } catch (IllegalStateException e) {
                    // completed already (the client went away and the container ended it)
                }
            }
        });
        if (!added) {
            context.complete(); // lost a race for the last places: an empty stream, the client retries
        }
        return true;
    }

    private RequestHandler.Answer unavailable() throws IOException {
        return new RequestHandler.Answer(503, Map.of("Retry-After", "10"), ApiResponse.PROBLEM_JSON,
                mapper.writeValueAsBytes(Problem.of("unavailable", "Too many event streams", 503,
                        SessionEvents.MAX_SUBSCRIBERS + " event streams are open; try again later")));
    }

    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        events.close();
    }

    private static byte[] body(HttpServletRequest request) {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new BadRequestException("body", "is larger than " + MAX_BODY / 1024 + " KiB");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the request body", e);
        }
    }

    /** The query string's parameters, decoded (as a form: '+' is a space). */
    static Map<String, List<String>> query(String queryString) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (queryString == null || queryString.isEmpty()) {
            return query;
        }
        for (String pair : queryString.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    static <T> T runAs(Subject subject, PrivilegedExceptionAction<T> action) throws Exception {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }
}
