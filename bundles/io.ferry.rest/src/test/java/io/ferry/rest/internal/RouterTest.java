package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Router.Handler NOTHING = req -> ApiResponse.ok("x");

    private final Router router = new Router()
            .get("/jobs", NOTHING)
            .get("/jobs/{name}", NOTHING)
            .post("/jobs/{name}/run", NOTHING)
            .get("/jobs/names", NOTHING);

    @Test
    void pathParametersAreBoundDecoded() {
        Router.Match match = router.match("GET", Paths.segments("/jobs/nightly%20copy"));
        assertTrue(match.found());
        assertEquals("/jobs/{name}", match.route().template());
        assertEquals(Map.of("name", "nightly copy"), match.parameters());
    }

    @Test
    void anEncodedSlashStaysInsideItsSegment() {
        Router.Match match = router.match("POST", Paths.segments("/jobs/a%2Fb/run"));
        assertEquals("/jobs/{name}/run", match.route().template());
        assertEquals("a/b", match.parameters().get("name"));
    }

    @Test
    void aLiteralSegmentWinsOverAParameter() {
        assertEquals("/jobs/names", router.match("GET", Paths.segments("/jobs/names")).route().template());
    }

    @Test
    void anUnknownPathHasNoAllowedMethodsSoItIsA404() {
        Router.Match match = router.match("GET", Paths.segments("/servers"));
        assertFalse(match.found());
        assertTrue(match.allowed().isEmpty());
    }

    @Test
    void aKnownPathWithAnotherMethodNamesTheMethodsItHasSoItIsA405() {
        Router.Match match = router.match("DELETE", Paths.segments("/jobs/nightly"));
        assertFalse(match.found());
        assertEquals(Set.of("GET"), match.allowed());
        assertEquals(Set.of("POST"), router.match("GET", Paths.segments("/jobs/x/run")).allowed());
    }

    @Test
    void headIsAnsweredByGetAndATrailingSlashIsIgnored() {
        assertTrue(router.match("HEAD", Paths.segments("/jobs/")).found());
    }

    @Test
    void aRouteCannotBeRegisteredTwice() {
        assertThrows(IllegalArgumentException.class, () -> router.get("/jobs", NOTHING));
        assertEquals(4, router.routes().size());
    }

    @Test
    void segmentsAreDecodedOneByOneWithPlusKept() {
        assertEquals(List.of("vms", "a+b", "c d"), Paths.segments("/vms/a+b/c%20d"));
        assertEquals("a%20b%2Fc", Paths.encode("a b/c"));
    }
}
