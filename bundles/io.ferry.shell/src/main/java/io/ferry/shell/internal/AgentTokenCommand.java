package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.EnrollmentEndpoint;
import io.ferry.api.agent.EnrollmentToken;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "agent-token", description = "Creates a single-use token that enrolls the agent of a"
        + " managed server (ferry-admin only).",
        detailedDescription = """
                Prints a token, and the command that enrolls the agent of SERVER with it
                on that machine. The token is shown only now (the catalog keeps only its
                hash), works once, and expires after --expires (1m to 7d, default 1h). It
                also carries the fingerprint of the manager's CA, so that the agent
                checks whom it enrolls with. Treat it like a password until it is used.
                A new enrollment replaces the server's earlier agent. See
                docs/security.md, "Agents in the catalog".

                Examples:
                  ferry:agent-token px-01
                  ferry:agent-token px-01 --expires 2d --json""")
public class AgentTokenCommand implements Action {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");

    @Reference
    private AgentRegistry agents;

    @Reference(optional = true)
    private EnrollmentEndpoint endpoint;

    @Argument(index = 0, name = "SERVER", required = true, description = "The managed server whose agent will enroll")
    @Completion(ServerNameCompleter.class)
    private String server;

    @Option(name = "--expires", description = "How long the token is valid: 1m to 7d (30m, 12h, 2d); default 1h")
    private String expires = "1h";

    @Option(name = "--json", description = "Print the token as JSON")
    private boolean json;

    @Override
    public Object execute() {
        Duration validity = validity(expires);
        if (endpoint == null) {
            throw new FerryException("The manager's agent endpoint is not running, so there is no CA to enroll"
                    + " with: check the Ferry agent bundles with bundle:list (docs/agents.md)");
        }
        EnrollmentToken token = agents.createToken(server, validity, endpoint.caFingerprint());
        String command = "./ferry agent enroll --manager " + endpoint.address() + " --token " + token.text();
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.enrollmentToken(token, command));
            return null;
        }
        System.out.println("Enrollment token " + token.id() + " for server '" + token.server() + "', valid until "
                + BackupText.time(token.expires()) + ", single use (shown only now):");
        System.out.println("  " + token.text());
        System.out.println("On " + token.server() + ", with the launcher of a Ferry checkout (./ferry), run:");
        System.out.println("  " + command);
        return null;
    }

    /** {@code 30m}, {@code 12h}, {@code 2d} (also {@code 90s}); the service checks the bounds. */
    static Duration validity(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ValidationException("--expires", "'" + text + "' is not a duration such as 30m, 12h or 2d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
