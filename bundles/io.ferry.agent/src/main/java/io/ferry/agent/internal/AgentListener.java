package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.TaskProgress;
import io.ferry.agent.protocol.v1.TaskResult;

/**
 * Told about agents on the manager. Called on gRPC threads, one call at a time per agent:
 * return quickly, hand long work to an executor.
 */
public interface AgentListener {

    /** The agent of {@code channel.server()} connected (after its Hello was accepted). */
    default void connected(AgentChannel channel) {
    }

    default void progress(AgentChannel channel, TaskProgress progress) {
    }

    default void result(AgentChannel channel, TaskResult result) {
    }

    /** Since 1.2: the agent connected a guest channel to its socket. */
    default void guestOpened(AgentChannel channel, io.ferry.agent.protocol.v1.GuestOpened opened) {
    }

    /** Since 1.2: bytes the agent read from a guest channel's socket. */
    default void guestData(AgentChannel channel, io.ferry.agent.protocol.v1.GuestData data) {
    }

    /** Since 1.2: the agent closed a guest channel (or could not open it: the reason says why). */
    default void guestClosed(AgentChannel channel, io.ferry.agent.protocol.v1.GuestClose close) {
    }

    /**
     * The connection ended: the agent closed it, the network failed, it was replaced by a newer
     * connection of the same agent, or no heartbeat came within the lease.
     */
    default void disconnected(AgentChannel channel, String reason) {
    }
}
