package io.ferry.api.agent;

import io.ferry.api.FerryException;

/**
 * The agent a task ran on (or was to run on) is not connected, or stopped sending heartbeats
 * while the task ran and its lease expired. The message names the agent and when it was last
 * heard of; the task may be retried (on another eligible proxy when the plan allows).
 */
public class AgentLostException extends FerryException {

    private static final long serialVersionUID = 1L;

    public AgentLostException(String message) {
        super(message);
    }
}
