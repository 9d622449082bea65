package io.ferry.api.agent;

import java.nio.channels.ByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Byte channels to unix sockets on the machines of managed servers, opened by their agents:
 * how guest processing runs on a guest interaction proxy (seed 001) whose server has an agent.
 * The proxy's agent connects to the guest's channel (a QEMU guest agent's socket) and relays
 * the bytes; the manager drives the protocol on its side, so what a guest is asked stays in one
 * place. The agent only connects to sockets inside its own {@code socket.roots}
 * ({@code etc/io.ferry.paths.cfg} of the agent), and thaws a guest it relayed a freeze to when
 * the manager goes away before the thaw.
 *
 * <p>Provided by the manager's agent endpoint; a point-in-time provider uses it for a guest
 * interaction proxy that {@linkplain #enrolled has an agent}, and connects itself otherwise
 * (the backup server, or a proxy without an agent).
 *
 * @since 1.2
 */
@ProviderType
public interface GuestChannels {

    /** Whether {@code server} has an enrolled agent (connected or not). */
    boolean enrolled(String server);

    /**
     * Opens a channel to {@code socket} on the machine of {@code server}, through its agent.
     * Reads block until bytes come, return -1 when the socket's side closed, and throw an
     * {@link java.io.IOException} naming the agent when its connection ended; {@code close()}
     * ends the channel on both sides and wakes a blocked reader.
     *
     * @param timeout how long to wait for the agent to connect to the socket
     * @throws AgentLostException when the server's agent is not connected (or speaks a protocol
     *                            older than 1.2)
     * @throws io.ferry.api.FerryException when the agent could not connect to the socket (the
     *                            message says why: outside its socket.roots, nothing listening)
     */
    ByteChannel open(String server, Path socket, Duration timeout);
}
