package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.security.ApiTokens;
import io.ferry.api.security.FerryRole;
import io.ferry.api.security.NewApiToken;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "token-create", description = "Creates an API token that logs a script in as you"
        + " (shown only now).",
        detailedDescription = """
                Prints a token for scripts that call Ferry's REST API
                (Authorization: Bearer TOKEN). Calls made with it run as you, with
                --role (viewer, operator or admin; at most your own role), until it
                expires (--expires: 1h to 365d, default 30d) or ferry:token-revoke
                revokes it. The catalog keeps only a hash of its secret: it is shown
                only now; treat it like a password. Making it is audited.

                Examples:
                  ferry:token-create --role operator --expires 30d --description "nightly report"
                  ferry:token-create --role viewer --json""")
public class TokenCreateCommand implements Action {

    @Reference
    private ApiTokens tokens;

    @Option(name = "--role", description = "viewer, operator or admin (at most your own role); default viewer")
    private String role = "viewer";

    @Option(name = "--expires", description = "How long the token works: 1h to 365d (12h, 30d); default 30d")
    private String expires = "30d";

    @Option(name = "--description", description = "What the token is for (shown by ferry:token-list)")
    private String description = "";

    @Option(name = "--json", description = "Print the token as JSON")
    private boolean json;

    @Override
    public Object execute() {
        NewApiToken made = tokens.create(role(role), AgentTokenCommand.validity(expires), description);
        if (json) {
            // as POST /api/v1/tokens answers: the token as listed, with its text
            JsonOutput.print(JsonOutput.VIEWS.token(made, java.time.Instant.now()));
            return null;
        }
        System.out.println("API token " + made.token().id() + " of user " + made.token().user() + ", role "
                + made.token().role().roleName() + ", valid until " + BackupText.time(made.token().expires())
                + " (shown only now):");
        System.out.println("  " + made.text());
        System.out.println("Scripts send it as: Authorization: Bearer " + made.text());
        return null;
    }

    /** {@code viewer}, {@code operator}, {@code admin} (or the role names {@code ferry-viewer}, ...). */
    static FerryRole role(String text) {
        String name = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return FerryRole.ofRoleName(name.startsWith("ferry-") ? name : "ferry-" + name)
                .orElseThrow(() -> new ValidationException("--role", "'" + text + "' is not viewer, operator or admin"));
    }
}
