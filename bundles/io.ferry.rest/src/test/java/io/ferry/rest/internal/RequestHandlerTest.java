package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.ValidationException;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class RequestHandlerTest {
    /** Named like Karaf's principals: Caller matches principals by simple class name. */
    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    private static final Authenticator VERA_ONLY = header -> BasicCredentials.parse(header).flatMap(credentials -> {
        if (!credentials.user().equals("vera") || !credentials.password().equals("right")) {
            return Optional.empty();
        }
        return Optional.of(new Subject(true, Set.of(new UserPrincipal("vera"), new RolePrincipal("ferry-viewer")),
                Set.of(), Set.of()));
    });

    private final ObjectMapper mapper = new ObjectMapper();
    private final Router router = new Router()
            .get("/whoami", req -> ApiResponse.ok(Map.of("caller", Caller.current().user(),
                    "viewer", Caller.current().may(FerryRole.VIEWER))))
            .post("/jobs/{name}/run", req -> {
                Caller.current().require(FerryRole.OPERATOR, "job-run");
                return ApiResponse.ok("ran");
            })
            .get("/invalid", req -> {
                throw new ValidationException("schedule", "'daily at 25:00' is not a time");
            })
            .get("/broken", req -> {
                throw new NullPointerException("internal detail");
            });
    private final RequestHandler handler = new RequestHandler(router, VERA_ONLY, mapper);

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The request's headers: only Authorization, as curl sends it. */
    private static java.util.function.Function<String, String> auth(String authorization) {
        return name -> name.equalsIgnoreCase("Authorization") ? authorization : null;
    }

    private JsonNode json(RequestHandler.Answer answer) throws Exception {
        return mapper.readTree(answer.body());
    }

    @Test
    void theHandlerRunsAsTheLoggedInUser() throws Exception {
        RequestHandler.Answer answer = handler.handle("GET", "/whoami", Map.of(), auth(basic("vera", "right")));
        assertEquals(200, answer.status());
        assertEquals("vera", json(answer).path("caller").asText());
        assertTrue(json(answer).path("viewer").asBoolean());
    }

    @Test
    void missingOrWrongCredentialsAre401WithAChallengeBeforeAnyRouting() throws Exception {
        for (String authorization : new String[] {null, basic("vera", "wrong"), basic("mallory", "right"), "Bearer x"}) {
            RequestHandler.Answer answer = handler.handle("GET", "/no-such-path", Map.of(), auth(authorization));
            assertEquals(401, answer.status(), String.valueOf(authorization));
            assertEquals(ApiServlet.CHALLENGE, answer.headers().get("WWW-Authenticate"));
            assertEquals("application/problem+json", answer.contentType());
            assertEquals("urn:ferry:problem:unauthenticated", json(answer).path("type").asText());
        }
    }

    @Test
    void aRoleRefusalInsideTheServiceIs403() throws Exception {
        RequestHandler.Answer answer = handler.handle("POST", "/jobs/nightly/run", Map.of(), auth(basic("vera", "right")));
        assertEquals(403, answer.status());
        assertTrue(json(answer).path("detail").asText().contains("may not job-run"), answer.text());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
        assertEquals(404, handler.handle("GET", "/nothing", Map.of(), auth(basic("vera", "right"))).status());
        RequestHandler.Answer wrong = handler.handle("DELETE", "/whoami", Map.of(), auth(basic("vera", "right")));
        assertEquals(405, wrong.status());
        assertEquals("GET", wrong.headers().get("Allow"));
    }

    @Test
    void aValidationErrorIs422NamingTheFieldAsProblemJson() throws Exception {
        RequestHandler.Answer answer = handler.handle("GET", "/invalid", Map.of(), auth(basic("vera", "right")));
        assertEquals(422, answer.status());
        assertEquals("application/problem+json", answer.contentType());
        JsonNode problem = json(answer);
        assertEquals("schedule", problem.path("field").asText());
        assertEquals(422, problem.path("status").asInt());
        assertEquals("Invalid input", problem.path("title").asText());
    }

    @Test
    void aChangeABrowserSendsFromAnotherSiteIsRefusedButScriptsAndReadsAreNot() throws Exception {
        Map<String, String> crossSite = Map.of("authorization", basic("vera", "right"), "origin", "https://evil.example",
                "host", "127.0.0.1:8443");
        RequestHandler.Answer refused = handler.handle("POST", "/jobs/nightly/run", Map.of(),
                name -> crossSite.get(name.toLowerCase(java.util.Locale.ROOT)));
        assertEquals(403, refused.status());
        assertEquals("urn:ferry:problem:cross-site", json(refused).path("type").asText());
        assertEquals(403, handler.handle("POST", "/jobs/nightly/run", Map.of(),
                name -> name.equalsIgnoreCase("Sec-Fetch-Site") ? "cross-site" : null).status());
        // the same origin, a read, or a script without Origin go through (here: to the role check)
        Map<String, String> sameOrigin = Map.of("authorization", basic("vera", "right"), "origin", "https://127.0.0.1:8443",
                "host", "127.0.0.1:8443", "sec-fetch-site", "same-origin");
        RequestHandler.Answer own = handler.handle("POST", "/jobs/nightly/run", Map.of(),
                name -> sameOrigin.get(name.toLowerCase(java.util.Locale.ROOT)));
        assertEquals("urn:ferry:problem:access-denied", json(own).path("type").asText());
        assertEquals(200, handler.handle("GET", "/whoami", Map.of(),
                name -> crossSite.get(name.toLowerCase(java.util.Locale.ROOT))).status());
    }

    @Test
    void anInternalErrorIs500WithoutDetailsForTheClient() throws Exception {
        RequestHandler.Answer answer = handler.handle("GET", "/broken", Map.of(), auth(basic("vera", "right")));
        assertEquals(500, answer.status());
        assertFalse(answer.text().contains("internal detail"), answer.text());
        assertFalse(answer.text().contains("NullPointerException"), answer.text());
    }
}
