package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.Hello;
import io.ferry.agent.protocol.v1.ManagerMessage;

/** One agent's open control stream, on the manager. */
public interface AgentChannel {

    /** The managed server the agent acts for (its certificate's CN). */
    String server();

    /** The SHA-256 fingerprint (hex) of the certificate the agent connected with. */
    String fingerprint();

    /** The address the connection comes from. */
    String address();

    /** What the agent said when it connected. */
    Hello hello();

    /**
     * Sends a message to the agent (a TaskAssignment or CancelTask). Thread-safe; does not wait
     * for the agent.
     *
     * @throws IllegalStateException when the connection is closed (the agent is gone)
     */
    void send(ManagerMessage message);

    boolean isOpen();

    /** Ends the connection (the agent reconnects after its backoff). */
    void close(String reason);
}
