package io.ferry.rest.internal;

import static io.ferry.rest.internal.ConsoleSessionStoreTest.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.security.Caller;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

/**
 * The console's login end to end without a servlet container: {@code POST /api/v1/session}
 * against a realm of two users, then API requests with the cookie through the request pipeline,
 * and the CSRF rule for changes authenticated by the cookie.
 */
class ConsoleLoginTest {
    private final ConsoleSessionStore store = new ConsoleSessionStore(java.time.Clock.systemUTC());
    private final Function<BasicCredentials, Optional<Subject>> realm = credentials -> switch (credentials.user() + ":" + credentials.password()) {
        case "otto:secret" -> Optional.of(user("otto", "ferry-operator"));
        case "vera:secret" -> Optional.of(user("vera", "ferry-viewer"));
        case "nobody:secret" -> Optional.of(user("nobody", "ssh"));
        default -> Optional.empty();
    };
    private final SessionServlet servlet = new SessionServlet(store, realm);
    private final ObjectMapper mapper = new ObjectMapper();
    /** Answers with the user the route ran as. */
    private final RequestHandler api = new RequestHandler(new Router()
            .get("/whoami", r -> ApiResponse.ok(Map.of("user", Caller.current().user())))
            .post("/jobs/{name}/run", r -> ApiResponse.ok(Map.of("ranBy", Caller.current().user()))),
            none -> Optional.empty(), mapper, new SessionCookieLogin(store)); // no Basic login here

    private static Function<String, String> headers(String... nameValue) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < nameValue.length; i += 2) {
            map.put(nameValue[i], nameValue[i + 1]);
        }
        return map::get;
    }

    private SessionServlet.Answer login(String user, String password) throws Exception {
        byte[] body = mapper.writeValueAsBytes(Map.of("user", user, "password", password));
        return servlet.handle("POST", headers("Content-Type", "application/json"), () -> body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(SessionServlet.Answer answer) {
        return (Map<String, Object>) answer.body();
    }

    /** The cookie and CSRF token of a successful login. */
    private record Login(String cookie, String csrf) {
    }

    private Login loggedIn(String user) throws Exception {
        SessionServlet.Answer answer = login(user, "secret");
        assertEquals(200, answer.status(), String.valueOf(answer.body()));
        String setCookie = answer.headers().get("Set-Cookie");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        return new Login(cookie, (String) json(answer).get("csrfToken"));
    }

    @Test
    void aLoginSetsAStrictSecureHttpOnlyCookieAndAnswersUserRoleAndCsrfToken() throws Exception {
        SessionServlet.Answer answer = login("otto", "secret");
        assertEquals(200, answer.status());
        String cookie = answer.headers().get("Set-Cookie");
        assertTrue(cookie.matches("ferry_session=[A-Za-z0-9_-]{43}; Path=/; Secure; HttpOnly; SameSite=Strict"), cookie);
        assertEquals("otto", json(answer).get("user"));
        assertEquals("ferry-operator", json(answer).get("role"));
        assertEquals(43, ((String) json(answer).get("csrfToken")).length());
        assertEquals(1, store.size());
    }

    @Test
    void wrongPasswordsMalformedLoginsAndUsersWithoutAFerryRoleAreRefused() throws Exception {
        assertEquals(401, login("otto", "wrong").status());
        assertNull(login("otto", "wrong").headers().get("WWW-Authenticate"), "no browser dialog for the console");
        assertEquals(403, login("nobody", "secret").status());
        SessionServlet.Answer missing = servlet.handle("POST", headers("Content-Type", "application/json"),
                () -> "{\"user\": \"otto\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(422, missing.status());
        assertEquals("password", ((Problem) missing.body()).field());
        assertEquals(415, servlet.handle("POST", headers("Content-Type", "application/x-www-form-urlencoded"),
                () -> "user=otto&password=secret".getBytes(StandardCharsets.UTF_8)).status(),
                "a form another site posts is no login");
        assertEquals(400, servlet.handle("POST", headers("Content-Type", "application/json"),
                () -> "[1, 2]".getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(403, servlet.handle("POST", headers("Content-Type", "application/json", "Origin", "https://evil.example",
                "Host", "127.0.0.1:8443"), () -> "{}".getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(0, store.size());
    }

    @Test
    void requestsWithTheCookieRunAsItsUser() throws Exception {
        Login vera = loggedIn("vera");
        RequestHandler.Answer who = api.handle("GET", "/whoami", Map.of(), headers("Cookie", "lang=de; " + vera.cookie()));
        assertEquals(200, who.status(), who.text());
        assertTrue(who.text().contains("\"vera\""), who.text());
        SessionServlet.Answer session = servlet.handle("GET", headers("Cookie", vera.cookie()), () -> new byte[0]);
        assertEquals(200, session.status());
        assertEquals("ferry-viewer", json(session).get("role"));
        assertEquals(vera.csrf(), json(session).get("csrfToken"));
    }

    @Test
    void aChangeWithTheCookieNeedsTheLoginsCsrfToken() throws Exception {
        Login otto = loggedIn("otto");
        Login vera = loggedIn("vera");
        RequestHandler.Answer forged = api.handle("POST", "/jobs/pve-daily/run", Map.of(), headers("Cookie", otto.cookie()));
        assertEquals(403, forged.status(), forged.text());
        assertTrue(forged.text().contains("urn:ferry:problem:cross-site"), forged.text());
        assertTrue(forged.text().contains("X-Ferry-CSRF"), forged.text());
        RequestHandler.Answer otherToken = api.handle("POST", "/jobs/pve-daily/run", Map.of(),
                headers("Cookie", otto.cookie(), "X-Ferry-CSRF", vera.csrf()));
        assertEquals(403, otherToken.status(), "another login's token: " + otherToken.text());
        RequestHandler.Answer ok = api.handle("POST", "/jobs/pve-daily/run", Map.of(),
                headers("Cookie", otto.cookie(), "X-Ferry-CSRF", otto.csrf()));
        assertEquals(200, ok.status(), ok.text());
        assertTrue(ok.text().contains("\"otto\""), ok.text());
        // the Origin/Sec-Fetch-Site rule still applies on top of the token
        RequestHandler.Answer crossSite = api.handle("POST", "/jobs/pve-daily/run", Map.of(),
                headers("Cookie", otto.cookie(), "X-Ferry-CSRF", otto.csrf(), "Sec-Fetch-Site", "cross-site"));
        assertEquals(403, crossSite.status());
    }

    @Test
    void withoutALiveCookieTheApiWantsCredentialsButChallengesOnlyClientsWithoutTheCookie() throws Exception {
        RequestHandler.Answer stale = api.handle("GET", "/whoami", Map.of(), headers("Cookie", "ferry_session=stale"));
        assertEquals(401, stale.status());
        assertFalse(stale.headers().containsKey("WWW-Authenticate"), "a browser must not pop up a Basic dialog");
        RequestHandler.Answer script = api.handle("GET", "/whoami", Map.of(), headers());
        assertEquals(401, script.status());
        assertTrue(script.headers().containsKey("WWW-Authenticate"));
        assertEquals(401, servlet.handle("GET", headers("Cookie", "ferry_session=stale"), () -> new byte[0]).status());
    }

    @Test
    void logoutNeedsTheTokenAndEndsTheLogin() throws Exception {
        Login otto = loggedIn("otto");
        assertEquals(403, servlet.handle("DELETE", headers("Cookie", otto.cookie()), () -> new byte[0]).status());
        SessionServlet.Answer out = servlet.handle("DELETE", headers("Cookie", otto.cookie(), "X-Ferry-CSRF", otto.csrf()),
                () -> new byte[0]);
        assertEquals(204, out.status());
        assertTrue(out.headers().get("Set-Cookie").contains("Max-Age=0"));
        assertEquals(401, api.handle("GET", "/whoami", Map.of(), headers("Cookie", otto.cookie())).status());
        assertEquals(0, store.size());
    }

    @Test
    void cookieHeadersAreParsedLikeBrowsersSendThem() {
        assertEquals("abc", SessionCookieLogin.cookie("a=1; ferry_session=abc; b=2", "ferry_session").orElseThrow());
        assertEquals("abc", SessionCookieLogin.cookie("ferry_session=\"abc\"", "ferry_session").orElseThrow());
        assertTrue(SessionCookieLogin.cookie("xferry_session=abc", "ferry_session").isEmpty());
        assertTrue(SessionCookieLogin.cookie("ferry_session=", "ferry_session").isEmpty());
        assertTrue(SessionCookieLogin.cookie(null, "ferry_session").isEmpty());
        Map<String, String> none = new HashMap<>();
        assertTrue(SessionCookieLogin.NONE.session(none::get).isEmpty());
    }

    @Test
    void otherMethodsAreNotAllowed() throws Exception {
        SessionServlet.Answer put = servlet.handle("PUT", headers(), () -> new byte[0]);
        assertEquals(405, put.status());
        assertEquals("GET, POST, DELETE", put.headers().get("Allow"));
    }

}
