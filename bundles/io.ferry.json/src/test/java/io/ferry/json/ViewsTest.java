package io.ferry.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.repository.Progress;
import io.ferry.api.session.TaskProgress;
import io.ferry.api.session.TaskStatus;
import java.time.Duration;
import java.util.List;
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
}
