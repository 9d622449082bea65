package io.ferry.shell.internal;

import io.ferry.api.security.ApiToken;
import io.ferry.api.security.ApiTokens;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "token-list", description = "Lists your API tokens (an admin: everyone's).",
        detailedDescription = """
                One line per token, newest first: its id, user, role, state (active,
                expired, revoked), when it expires and when it last logged a call in
                (to the minute), and its description. Never the secret. Revoked and
                expired tokens stay listed for 30 days.

                Examples:
                  ferry:token-list
                  ferry:token-list --json""")
public class TokenListCommand implements Action {

    @Reference
    private ApiTokens tokens;

    @Option(name = "--json", description = "Print the tokens as JSON")
    private boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    public Object execute() {
        List<ApiToken> all = tokens.list();
        Instant now = clock.instant();
        if (json) {
            System.out.print(json(all, now));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("User");
        table.column("Role");
        table.column("State");
        table.column("Expires (UTC)");
        table.column("Last used (UTC)");
        table.column("Description");
        table.emptyTableText("No API tokens (ferry:token-create makes one)");
        for (ApiToken t : all) {
            table.addRow().addContent(t.id(), t.user(), t.role().roleName(), state(t, now), BackupText.time(t.expires()),
                    t.lastUsed().map(BackupText::time).orElse("never"), t.description());
        }
        table.print(System.out);
        return null;
    }

    static String state(ApiToken t, Instant now) {
        return t.revoked().isPresent() ? "revoked" : t.validAt(now) ? "active" : "expired";
    }

    static String json(List<ApiToken> tokens, Instant now) {
        StringBuilder out = new StringBuilder("[");
        String sep = "\n";
        for (ApiToken t : tokens) {
            out.append(sep).append("  ").append(json(t, now));
            sep = ",\n";
        }
        return out.append(tokens.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    static String json(ApiToken t, Instant now) {
        return "{ \"id\" : " + JsonText.quote(t.id()) + ", \"user\" : " + JsonText.quote(t.user())
                + ", \"role\" : " + JsonText.quote(t.role().roleName()) + ", \"state\" : " + JsonText.quote(state(t, now))
                + ", \"description\" : " + JsonText.quote(t.description())
                + ", \"created\" : " + JsonText.quote(t.created().toString())
                + ", \"expires\" : " + JsonText.quote(t.expires().toString())
                + ", \"lastUsed\" : " + t.lastUsed().map(i -> JsonText.quote(i.toString())).orElse("null")
                + ", \"revoked\" : " + t.revoked().map(i -> JsonText.quote(i.toString())).orElse("null") + " }";
    }
}
