package io.ferry.shell.internal;

import io.ferry.api.agent.AgentRegistry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "ferry", name = "agent-remove", description = "Forgets the agent of a managed server: its certificate"
        + " is refused from now on (ferry-admin only).",
        detailedDescription = """
                Removes the enrolled agent of SERVER from the catalog. Its certificate is
                refused from the next connection on; to use the machine again, enroll a
                new agent with a token from ferry:agent-token. A server with an agent
                cannot be removed from the inventory (ferry:server-remove) until its agent
                is.

                Example:
                  ferry:agent-remove px-01""")
public class AgentRemoveCommand implements Action {

    @Reference
    private AgentRegistry agents;

    @Argument(index = 0, name = "SERVER", required = true, description = "The managed server whose agent to forget")
    @Completion(AgentServerCompleter.class)
    private String server;

    @Override
    public Object execute() {
        if (agents.remove(server)) {
            System.out.println("Removed the agent of server '" + server + "': its certificate is refused from now on");
        } else {
            System.out.println("Server '" + server + "' has no enrolled agent (see ferry:agent-list)");
        }
        return null;
    }
}
