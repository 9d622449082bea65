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

    /** The tokens as GET /api/v1/tokens lists them (io.ferry.json). */
    static String json(List<ApiToken> tokens, Instant now) {
        com.fasterxml.jackson.databind.node.ArrayNode a = io.ferry.json.FerryJson.mapper().createArrayNode();
        tokens.forEach(t -> a.add(JsonOutput.VIEWS.token(t, now)));
        return io.ferry.json.FerryJson.text(a);
    }
}
