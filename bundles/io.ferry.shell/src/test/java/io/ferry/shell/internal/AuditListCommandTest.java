package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AuditListCommandTest {
    private static final Instant T0 = Instant.parse("2026-12-06T15:00:00Z");

    /** Answers every query with the entries it holds, and remembers the queries. */
    static final class Log implements AuditLog {
        final List<AuditQuery> queries = new ArrayList<>();
        AuditPage page = new AuditPage(List.of(), OptionalLong.empty());

        @Override
        public void record(AuditEntry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AuditPage query(AuditQuery query) {
            queries.add(query);
            return page;
        }
    }

    @Test
    void listsWhoDidWhatNewestFirstAndSaysHowToSeeOlderEntries() throws Exception {
        Log log = new Log();
        log.page = new AuditPage(List.of(
                new AuditEntry(12, T0.plusSeconds(60), "vera", "job-run", "nightly", AuditResult.DENIED,
                        "User 'vera' (ferry-viewer) may not job-run: it needs role ferry-operator or ferry-admin."),
                new AuditEntry(11, T0, "ann", "server-add", "px-01", AuditResult.OK, "")), OptionalLong.of(11));
        String out = run(with(new AuditListCommand(), "audit", log, "user", "vera", "limit", 2));
        assertTrue(out.contains("12 | 2026-12-06T15:01:00Z | vera | job-run    | nightly | denied"), out);
        assertTrue(out.contains("11 | 2026-12-06T15:00:00Z | ann  | server-add | px-01   | ok"), out);
        assertTrue(out.contains("Older entries: ferry:audit-list --before 11 --user vera --limit 2"), out);
        assertEquals("vera", log.queries.get(0).user().orElseThrow());
        assertEquals(2, log.queries.get(0).limit());
    }

    @Test
    void sinceTakesAnInstantADateOrAnAge() {
        assertEquals(T0, AuditListCommand.since("2026-12-06T15:00:00Z", T0));
        assertEquals(Instant.parse("2026-12-06T00:00:00Z"), AuditListCommand.since("2026-12-06", T0));
        assertEquals(T0.minusSeconds(2 * 86400), AuditListCommand.since("2d", T0));
        assertEquals(T0.minusSeconds(1800), AuditListCommand.since("30m", T0));
        ValidationException e = assertThrows(ValidationException.class, () -> AuditListCommand.since("yesterday", T0));
        assertEquals("--since", e.field());
    }

    @Test
    void jsonHasEveryFieldAndTheNextPage() throws Exception {
        Log log = new Log();
        log.page = new AuditPage(List.of(new AuditEntry(3, T0, "system", "job-run", "nightly \"a\"", AuditResult.ERROR,
                "boom")), OptionalLong.empty());
        String json = run(with(new AuditListCommand(), "audit", log, "json", true));
        assertEquals("""
                {
                  "entries" : [
                    {
                      "id" : 3,
                      "time" : "2026-12-06T15:00:00Z",
                      "user" : "system",
                      "action" : "job-run",
                      "target" : "nightly \\"a\\"",
                      "result" : "ERROR",
                      "message" : "boom"
                    }
                  ],
                  "next" : null
                }
                """, json);
    }

    @Test
    void aBadLimitIsRefusedNamingTheOption() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> run(with(new AuditListCommand(), "audit", new Log(), "limit", 0)));
        assertEquals("--limit", e.field());
    }
}
