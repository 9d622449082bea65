package io.ferry.shell.internal;

import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentRegistry;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of servers that have an enrolled agent. */
@Service
public class AgentServerCompleter implements Completer {

    @Reference
    private AgentRegistry agents;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> values = agents.agents().stream().map(AgentInfo::server).toList();
        return new StringsCompleter(values).complete(session, commandLine, candidates);
    }
}
