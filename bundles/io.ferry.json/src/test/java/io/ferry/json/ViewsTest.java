package io.ferry.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.repository.Progress;
import io.ferry.api.security.ApiToken;
import io.ferry.api.security.FerryRole;
import io.ferry.api.security.NewApiToken;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ViewsTest {
    private final Views views = new Views(new ObjectMapper());

    @Test
    void aQueuedTaskHasItsStatusButNoFiguresYet() {
        JsonNode progress = views.progress(List.of(new TaskProgress("t1", TaskStatus.QUEUED, null),
                new TaskProgress("t2", TaskStatus.RUNNING, new Progress("read", 10, 40, 12, 5, Duration.ofMillis(1500)))));
        assertEquals("QUEUED", progress.get(0).path("status").asText());
        assertFalse(progress.get(0).has("doneBytes"));
        assertEquals(40, progress.get(1).path("totalBytes").asLong());
        assertEquals(1500, progress.get(1).path("elapsedMillis").asLong());
    }

    @Test
    void ratiosAreRoundedToTwoDigitsAsTheShellPrintsThem() {
        assertEquals(2.33, Views.round2(2.3333));
        assertEquals(1.0, Views.round2(1.0));
    }

    @Test
    void aTokenSaysItsStateAndWhenItWasUsedOrRevokedOnlyWhenThatHappenedAndNeverItsTextOnceMade() {
        Instant t0 = Instant.parse("2026-12-07T02:00:00Z");
        ApiToken fresh = new ApiToken("tk1", "vera", FerryRole.OPERATOR, "nightly report", t0, t0.plus(Duration.ofDays(30)),
                Optional.empty(), Optional.empty());
        JsonNode listed = views.token(fresh, t0.plusSeconds(60));
        assertEquals("active", listed.path("state").asText());
        assertEquals("ferry-operator", listed.path("role").asText());
        assertEquals("2027-01-06T02:00:00Z", listed.path("expires").asText());
        assertFalse(listed.has("lastUsed") || listed.has("revoked") || listed.has("token"), listed.toString());
        assertEquals("expired", views.token(fresh, t0.plus(Duration.ofDays(31))).path("state").asText());

        ApiToken revoked = new ApiToken("tk1", "vera", FerryRole.OPERATOR, "", t0, t0.plus(Duration.ofDays(30)),
                Optional.of(t0.plusSeconds(5)), Optional.of(t0.plusSeconds(9)));
        JsonNode gone = views.token(revoked, t0.plusSeconds(60));
        assertEquals("revoked", gone.path("state").asText());
        assertEquals("2026-12-07T02:00:05Z", gone.path("lastUsed").asText());
        assertEquals("2026-12-07T02:00:09Z", gone.path("revoked").asText());

        assertEquals("ferry_tk1_secret", views.token(new NewApiToken(fresh, "ferry_tk1_secret"), t0).path("token").asText());
    }
}
