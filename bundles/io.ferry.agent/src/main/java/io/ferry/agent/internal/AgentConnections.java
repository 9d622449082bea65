package io.ferry.agent.internal;

import java.util.List;
import java.util.Optional;

/**
 * The manager's view of the agents connected to it right now: what task dispatch builds on.
 * One connection per managed server; a newer connection of the same agent replaces the older.
 */
public interface AgentConnections {

    /** The open connection of the agent of {@code server}, if it is connected. */
    Optional<AgentChannel> connection(String server);

    /** The servers whose agents are connected. */
    List<String> connected();

    /** Adds a listener for connections, task progress and results of every agent. */
    void addListener(AgentListener listener);

    void removeListener(AgentListener listener);
}
