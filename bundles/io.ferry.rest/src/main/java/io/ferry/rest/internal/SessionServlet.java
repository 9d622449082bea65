package io.ferry.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import io.ferry.rest.internal.ConsoleSessionStore.ConsoleSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.security.auth.Subject;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code /api/v1/session}, the web console's login (docs/rest-api.md, "Console login"):
 * {@code POST} checks user and password against the JAAS realm of the API and the shell and sets
 * the {@code ferry_session} cookie (HttpOnly, Secure, SameSite=Strict); {@code GET} tells who is
 * logged in, with the CSRF token; {@code DELETE} logs out. Registered apart from
 * {@link ApiServlet} (an exact servlet pattern wins over its {@code /api/v1/*}) because a login
 * has no credentials yet, reads a body and sets a cookie.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/v1/session",
        "osgi.http.whiteboard.servlet.name=ferry-rest-session"})
public final class SessionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The operations, as the OpenAPI document lists them ({@code OpenApiDocumentTest}). */
    static final List<String> OPERATIONS = List.of("POST /session", "GET /session", "DELETE /session");
    static final int MAX_BODY_BYTES = 8192;
    private static final String ALLOW = "GET, POST, DELETE";

    private final transient ConsoleSessionStore store;
    private final transient SessionCookieLogin cookieLogin;
    /** Checks a password against the realm (JaasAuthenticator's login, as HTTP Basic uses it). */
    private final transient Function<BasicCredentials, Optional<Subject>> passwords;
    private final transient ObjectMapper mapper = new ObjectMapper();

    @Activate
    public SessionServlet(@Reference ConsoleSessionStore store) {
        this(store, new JaasAuthenticator(ApiServlet.REALM)::login);
    }

    SessionServlet(ConsoleSessionStore store, Function<BasicCredentials, Optional<Subject>> passwords) {
        this.store = Objects.requireNonNull(store, "store");
        this.cookieLogin = new SessionCookieLogin(store);
        this.passwords = Objects.requireNonNull(passwords, "passwords");
    }

    /** What to answer: status, JSON body (null for none), extra headers. */
    record Answer(int status, Object body, Map<String, String> headers) {
        Answer {
            headers = Map.copyOf(headers);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Answer answer = handle(request.getMethod(), request::getHeader, () -> readBody(request));
        response.setStatus(answer.status());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        answer.headers().forEach(response::setHeader);
        if (answer.body() == null) {
            return;
        }
        byte[] body = mapper.writeValueAsBytes(answer.body());
        response.setContentType(answer.body() instanceof Problem ? ApiResponse.PROBLEM_JSON : ApiResponse.JSON);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    /** The request body, at most {@value #MAX_BODY_BYTES} bytes (more is a bad request). */
    @FunctionalInterface
    interface Body {
        byte[] read() throws IOException;
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            return bytes;
        }
    }

    Answer handle(String method, Function<String, String> header, Body body) throws IOException {
        String verb = method.toUpperCase(Locale.ROOT);
        if (!verb.equals("GET") && !verb.equals("POST") && !verb.equals("DELETE")) {
            return new Answer(405, Problem.of("method-not-allowed", "Method not allowed", 405, method
                    + " is not allowed on /api/v1/session; allowed: " + ALLOW), Map.of("Allow", ALLOW));
        }
        if (CrossSiteRequests.refused(verb, header)) {
            return problem(Problems.crossSite());
        }
        return switch (verb) {
            case "POST" -> login(header, body);
            case "DELETE" -> logout(header);
            default -> whoAmI(header);
        };
    }

    private Answer login(Function<String, String> header, Body body) throws IOException {
        String type = header.apply("Content-Type");
        if (type == null || !type.strip().toLowerCase(Locale.ROOT).startsWith(ApiResponse.JSON)) {
            return problem(Problem.of("unsupported-media-type", "Unsupported media type", 415,
                    "Send the login as application/json: {\"user\": \"...\", \"password\": \"...\"}"));
        }
        byte[] bytes = body.read();
        if (bytes.length > MAX_BODY_BYTES) {
            return problem(Problem.of("bad-request", "Bad request", 400,
                    "The login is larger than " + MAX_BODY_BYTES + " bytes"));
        }
        JsonNode json;
        try {
            json = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            return problem(Problem.of("bad-request", "Bad request", 400,
                    "The login is no JSON object: {\"user\": \"...\", \"password\": \"...\"}"));
        }
        if (json == null || !json.isObject()) {
            return problem(Problem.of("bad-request", "Bad request", 400,
                    "The login is no JSON object: {\"user\": \"...\", \"password\": \"...\"}"));
        }
        for (String field : List.of("user", "password")) {
            if (!json.path(field).isTextual() || json.path(field).asText().isEmpty()) {
                return problem(new Problem(Problem.TYPE_PREFIX + "validation", "Invalid input", 422,
                        field + ": required, a non-empty string", field));
            }
        }
        String user = json.get("user").asText();
        if (user.contains(":")) {
            return problem(new Problem(Problem.TYPE_PREFIX + "validation", "Invalid input", 422,
                    "user: must not contain ':'", "user"));
        }
        Optional<Subject> subject = passwords.apply(new BasicCredentials(user, json.get("password").asText()));
        if (subject.isEmpty()) {
            return problem(Problem.of("unauthenticated", "Unauthorized", 401,
                    "Wrong user or password (a user of etc/users.properties with a Ferry role)"));
        }
        Caller caller = Caller.of(subject.get());
        if (caller.role().isEmpty()) {
            return problem(Problem.of("access-denied", "Forbidden", 403, "User '" + caller.user()
                    + "' holds no Ferry role (ferry-viewer, ferry-operator or ferry-admin); ask an administrator"));
        }
        subject.get().setReadOnly();
        SessionCookieLogin.cookie(header.apply("Cookie"), SessionCookieLogin.COOKIE).ifPresent(store::remove);
        ConsoleSessionStore.Created created = store.create(subject.get());
        return new Answer(200, describe(created.session()),
                Map.of("Set-Cookie", SessionCookieLogin.COOKIE + "=" + created.id() + "; Path=/; Secure; HttpOnly; SameSite=Strict"));
    }

    private Answer whoAmI(Function<String, String> header) {
        Optional<ConsoleSession> session = cookieLogin.session(header);
        if (session.isPresent()) {
            return new Answer(200, describe(session.get()), Map.of());
        }
        Optional<Subject> basic = BasicCredentials.parse(header.apply("Authorization")).flatMap(passwords);
        if (basic.isPresent()) {
            Caller caller = Caller.of(basic.get());
            Map<String, Object> who = new LinkedHashMap<>();
            who.put("user", caller.user());
            who.put("role", caller.role().map(FerryRole::roleName).orElse(null));
            who.put("login", "basic");
            return new Answer(200, who, Map.of());
        }
        return problem(Problem.of("unauthenticated", "Unauthorized", 401,
                "Not logged in: POST /api/v1/session with {\"user\", \"password\"}, or use HTTP Basic"));
    }

    private Answer logout(Function<String, String> header) {
        Optional<String> id = SessionCookieLogin.cookie(header.apply("Cookie"), SessionCookieLogin.COOKIE);
        Optional<ConsoleSession> session = cookieLogin.session(header);
        if (session.isPresent()) {
            try {
                SessionCookieLogin.checkCsrf("DELETE", header, session.get());
            } catch (SessionCookieLogin.Refused e) {
                return problem(e.problem());
            }
            id.ifPresent(store::remove);
        }
        return new Answer(204, null, Map.of("Set-Cookie",
                SessionCookieLogin.COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict"));
    }

    private Map<String, Object> describe(ConsoleSession session) {
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("user", session.user());
        who.put("role", session.role().orElse(null));
        who.put("login", "session");
        who.put("csrfToken", session.csrfToken());
        who.put("created", session.created().toString());
        who.put("expires", session.created().plus(store.absoluteTimeout()).toString());
        who.put("idleTimeoutSeconds", store.idleTimeout().toSeconds());
        return who;
    }

    private static Answer problem(Problem problem) {
        return new Answer(problem.status(), problem, Map.of());
    }
}
