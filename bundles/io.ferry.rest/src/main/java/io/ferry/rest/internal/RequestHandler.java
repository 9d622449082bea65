package io.ferry.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.security.auth.Subject;

/**
 * One request, from the raw path and the Authorization header to the bytes of the answer:
 * login (401 without valid credentials), routing (404, 405), the handler under the user's
 * Subject, and every error as {@code application/problem+json}. Free of the servlet API, so
 * it is tested on its own.
 */
final class RequestHandler {

    /**
     * The answer to write: status, headers, content type and body; or, when {@code file} is not
     * null, the content of that file instead of {@code body} (the writer deletes it afterwards).
     */
    record Answer(int status, Map<String, String> headers, String contentType, byte[] body, java.nio.file.Path file) {
        Answer {
            headers = Map.copyOf(headers);
        }

        Answer(int status, Map<String, String> headers, String contentType, byte[] body) {
            this(status, headers, contentType, body, null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Router router;
    private final Authenticator authenticator;
    private final ObjectMapper mapper;
    private final SessionCookieLogin cookieLogin;

    RequestHandler(Router router, Authenticator authenticator, ObjectMapper mapper) {
        this(router, authenticator, mapper, SessionCookieLogin.NONE);
    }

    /** With the web console's login cookie ({@link SessionCookieLogin}) tried before HTTP Basic. */
    RequestHandler(Router router, Authenticator authenticator, ObjectMapper mapper, SessionCookieLogin cookieLogin) {
        this.cookieLogin = Objects.requireNonNull(cookieLogin, "cookieLogin");
        this.router = Objects.requireNonNull(router, "router");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * @param header the request's headers by name (case-insensitive), null when absent
     */
    Answer handle(String method, String rawPath, Map<String, List<String>> query, Function<String, String> header) {
        return handle(method, rawPath, query, header, () -> new byte[0]);
    }

    /**
     * @param body reads the request body (only once the caller is logged in and the route found)
     */
    Answer handle(String method, String rawPath, Map<String, List<String>> query, Function<String, String> header,
            Supplier<byte[]> body) {
        return handle(method, rawPath, query, header, body, null);
    }

    /**
     * @param stream the request body as a stream, for a {@link Router.StreamingHandler} route
     *               (read by the handler, after login); null: none
     */
    Answer handle(String method, String rawPath, Map<String, List<String>> query, Function<String, String> header,
            Supplier<byte[]> body, Supplier<java.io.InputStream> stream) {
        if (CrossSiteRequests.refused(method, header)) {
            return problem(Problems.crossSite(), Map.of());
        }
        Optional<Subject> subject;
        try {
            subject = cookieLogin.subject(method, header);
        } catch (SessionCookieLogin.Refused e) {
            return problem(e.problem(), Map.of());
        }
        if (subject.isEmpty()) {
            subject = authenticator.authenticate(header.apply("Authorization"));
        }
        if (subject.isEmpty()) {
            // no Basic challenge to the console (a browser would pop up its own login dialog)
            return problem(Problems.unauthenticated(), SessionCookieLogin.cookie(header.apply("Cookie"),
                    SessionCookieLogin.COOKIE).isPresent() ? Map.of() : Map.of("WWW-Authenticate", ApiServlet.CHALLENGE));
        }
        String path = rawPath.isEmpty() ? "/" : rawPath;
        Router.Match match = router.match(method, Paths.segments(path));
        if (!match.found()) {
            if (match.allowed().isEmpty()) {
                return problem(Problems.notFound(path), Map.of());
            }
            return problem(Problems.methodNotAllowed(method, path, match.allowed()),
                    Map.of("Allow", String.join(", ", match.allowed())));
        }
        try {
            boolean streamed = match.route().handler() instanceof Router.StreamingHandler;
            ApiRequest request = new ApiRequest(method, path, match.parameters(), query,
                    streamed ? new byte[0] : body.get(), header, streamed ? stream : null);
            ApiResponse response = ApiServlet.runAs(subject.get(), () -> match.route().handler().handle(request));
            return answer(response);
        } catch (Exception | LinkageError e) {
            return problem(Problems.of(e), Map.of());
        }
    }

    private Answer answer(ApiResponse response) throws JsonProcessingException {
        if (response.body() instanceof ApiResponse.FileBody file) {
            return new Answer(response.status(), response.headers(), response.contentType(), new byte[0], file.path());
        }
        byte[] body = response.body() instanceof byte[] bytes ? bytes : mapper.writeValueAsBytes(response.body());
        return new Answer(response.status(), response.headers(), response.contentType(), body);
    }

    private Answer problem(Problem problem, Map<String, String> headers) {
        try {
            return new Answer(problem.status(), headers, ApiResponse.PROBLEM_JSON, mapper.writeValueAsBytes(problem));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem record could not be written as JSON", e);
        }
    }
}
