package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.CancelTask;
import io.ferry.agent.protocol.v1.TaskAssignment;
import io.ferry.agent.protocol.v1.TaskRef;
import io.ferry.agent.protocol.v1.Welcome;
import java.util.List;

/**
 * What an agent does with the manager's messages: task execution implements this. Called on
 * the client's own thread, one message at a time: return quickly (run tasks on an executor and
 * report with {@link AgentClient#send}).
 */
public interface ManagerMessageHandler {

    void assigned(TaskAssignment assignment);

    void cancelled(CancelTask cancel);

    /** A repository agent's: the manager lets a proxy's agent use one of its repositories. */
    default void granted(io.ferry.agent.protocol.v1.StoreGrant grant) {
    }

    /** A repository agent's: a grant ends. */
    default void revoked(io.ferry.agent.protocol.v1.StoreRevoke revoke) {
    }

    /** Since 1.2: the manager asks for a guest channel to a unix socket of this machine. */
    default void guestOpen(io.ferry.agent.protocol.v1.GuestOpen open) {
    }

    /** Since 1.2: bytes for a guest channel's socket. */
    default void guestData(io.ferry.agent.protocol.v1.GuestData data) {
    }

    /** Since 1.2: the manager closes a guest channel. */
    default void guestClose(io.ferry.agent.protocol.v1.GuestClose close) {
    }

    /** The tasks the agent runs now: sent in Hello and in every heartbeat. */
    List<TaskRef> running();

    /** The manager accepted the connection. */
    default void welcomed(Welcome welcome) {
    }

    /** The connection to the manager ended; the client reconnects by itself. */
    default void disconnected(String reason) {
    }

    /** Handles nothing and runs nothing: an agent without task execution. */
    ManagerMessageHandler NONE = new ManagerMessageHandler() {
        @Override
        public void assigned(TaskAssignment assignment) {
        }

        @Override
        public void cancelled(CancelTask cancel) {
        }

        @Override
        public List<TaskRef> running() {
            return List.of();
        }
    };
}
