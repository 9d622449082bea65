package io.ferry.shell.internal;

import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "agent-list", description = "Lists the enrolled agents: version, address, last"
        + " heartbeat, running tasks and capabilities.",
        detailedDescription = """
                One line per managed server with an enrolled agent: the Ferry version it
                runs, the address its last connection came from, its last heartbeat (UTC)
                and how long ago, its state (ok; lost when the last heartbeat is older
                than 30 s, whose tasks the manager gives up or moves; waiting before the
                first heartbeat), the tasks it runs, the libnbd and qemu versions and
                platform plugins on its machine, the free space in its scratch
                directory, and, for a repository server's agent, the address where it
                serves its repositories.

                Examples:
                  ferry:agent-list
                  ferry:agent-list --json""")
public class AgentListCommand implements Action {
    /** An agent silent for longer than this is shown as lost (the default task lease). */
    static final Duration LOST_AFTER = Duration.ofSeconds(30);

    @Reference
    private AgentRegistry agents;

    @Option(name = "--json", description = "Print the agents as JSON")
    private boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    public Object execute() {
        List<AgentInfo> all = agents.agents();
        Instant now = clock.instant();
        if (json) {
            System.out.print(json(all, now));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Server");
        table.column("Version");
        table.column("Address");
        table.column("Last heartbeat (UTC)");
        table.column("Age").alignRight();
        table.column("State");
        table.column("Tasks").alignRight();
        table.column("libnbd");
        table.column("qemu");
        table.column("Platforms");
        table.column("Scratch free").alignRight();
        table.column("Serves repositories");
        table.emptyTableText("No agents are enrolled (ferry:agent-token SERVER makes a token to enroll one)");
        for (AgentInfo a : all) {
            Optional<AgentCapabilities> caps = a.capabilities();
            table.addRow().addContent(a.server(), caps.map(AgentCapabilities::ferryVersion).orElse(""),
                    a.address().orElse(""), a.lastHeartbeat().map(BackupText::time).orElse("never"),
                    a.lastHeartbeat().map(t -> age(Duration.between(t, now))).orElse(""), state(a, now),
                    a.runningTasks(), caps.map(c -> orMissing(c.libnbdVersion())).orElse(""),
                    caps.map(c -> orMissing(c.qemuVersion())).orElse(""),
                    caps.map(c -> String.join(",", c.platforms())).orElse(""),
                    caps.map(c -> ByteSize.format(c.scratchFreeBytes())).orElse(""),
                    caps.map(AgentCapabilities::storeAddress).orElse(""));
        }
        table.print(System.out);
        return null;
    }

    /** ok, lost (no heartbeat for {@link #LOST_AFTER}) or waiting (enrolled, no heartbeat yet). */
    static String state(AgentInfo agent, Instant now) {
        if (agent.lastHeartbeat().isEmpty()) {
            return "waiting";
        }
        return Duration.between(agent.lastHeartbeat().get(), now).compareTo(LOST_AFTER) > 0 ? "lost" : "ok";
    }

    /** {@code 4s}, {@code 3m 10s}, {@code 2h 5m}, {@code 3d 4h}. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }

    private static String orMissing(String version) {
        return version.isEmpty() ? "missing" : version;
    }

    /** The agents as GET /api/v1/agents lists them (io.ferry.json). */
    static String json(List<AgentInfo> agents, Instant now) {
        return io.ferry.json.FerryJson.text(JsonOutput.VIEWS.agents(agents, now));
    }
}
