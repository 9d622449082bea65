package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "audit-list", description = "Lists the audit trail: who changed what, when, and how it"
        + " ended (ferry-admin only).",
        detailedDescription = """
                One line per change made through Ferry's services (inventory, jobs, runs,
                restores, repositories) and per refused call, newest first: when (UTC),
                who (system for Ferry's own work: schedules, start-up), the action, its
                target and the result (ok, error, denied) with the error. Secrets are
                never recorded. Reading the trail needs the ferry-admin role; see
                docs/security.md, "Audit trail".

                --since takes an instant (2026-12-06T15:00:00Z), a date (2026-12-06,
                UTC) or an age (30m, 12h, 7d). When more entries match than --limit,
                the last line says how to see the next (older) page.

                Examples:
                  ferry:audit-list
                  ferry:audit-list --since 1d --user vera
                  ferry:audit-list --limit 500 --json""")
public class AuditListCommand implements Action {
    static final int DEFAULT_LIMIT = 50;
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    @Reference
    private AuditLog audit;

    @Option(name = "--since", description = "Only entries from this time on: an instant, a date (UTC) or an age"
            + " (30m, 12h, 7d)")
    private String since;

    @Option(name = "--user", description = "Only the entries of this user (system: Ferry's own work)")
    private String user;

    @Option(name = "--limit", description = "At most this many entries (default " + DEFAULT_LIMIT + ", at most "
            + AuditQuery.MAX_LIMIT + ")")
    private int limit = DEFAULT_LIMIT;

    @Option(name = "--before", description = "Only entries older than this entry number (the next page)")
    private long before;

    @Option(name = "--json", description = "Print the entries as JSON")
    private boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    public Object execute() {
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
            throw new ValidationException("--limit", limit + " is not between 1 and " + AuditQuery.MAX_LIMIT);
        }
        if (before < 0) {
            throw new ValidationException("--before", before + " is not an entry number");
        }
        AuditQuery query = new AuditQuery(Optional.ofNullable(since).map(s -> since(s, clock.instant())),
                Optional.ofNullable(user), limit, before == 0 ? OptionalLong.empty() : OptionalLong.of(before));
        AuditPage page = audit.query(query);
        if (json) {
            System.out.print(json(page));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Time (UTC)");
        table.column("User");
        table.column("Action");
        table.column("Target");
        table.column("Result");
        table.column("Message");
        table.emptyTableText("No audit entries" + (query.user().isPresent() || query.since().isPresent()
                ? " match" : " yet"));
        for (AuditEntry e : page.entries()) {
            table.addRow().addContent(e.id(), BackupText.time(e.time()), e.user(), e.action(), e.target(),
                    e.result().name().toLowerCase(Locale.ROOT), SessionListCommand.headline(e.message()));
        }
        table.print(System.out);
        page.next().ifPresent(next -> System.out.println("Older entries: ferry:audit-list --before " + next
                + (since == null ? "" : " --since " + since) + (user == null ? "" : " --user " + user)
                + " --limit " + limit));
        return null;
    }

    /** An instant, a date (midnight UTC) or an age back from {@code now}. */
    static Instant since(String text, Instant now) {
        String value = text.strip();
        Matcher age = AGE.matcher(value.toLowerCase(Locale.ROOT));
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration d = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ValidationException("--since", "'" + value + "' is not an instant (2026-12-06T15:00:00Z),"
                    + " a date (2026-12-06) or an age (30m, 12h, 7d)");
        }
    }

    /**
     * {@code {"entries": [...], "next": N}}: the entries as GET /api/v1/audit lists them
     * (io.ferry.json), {@code next} the entry number to page on from ({@code --before}), or null.
     */
    static String json(AuditPage page) {
        com.fasterxml.jackson.databind.node.ObjectNode o = io.ferry.json.FerryJson.mapper().createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode entries = o.putArray("entries");
        page.entries().forEach(e -> entries.add(JsonOutput.VIEWS.auditEntry(e)));
        if (page.next().isPresent()) {
            o.put("next", page.next().getAsLong());
        } else {
            o.putNull("next");
        }
        return io.ferry.json.FerryJson.text(o);
    }
}
