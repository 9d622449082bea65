package io.ferry.api.agent;

import java.util.List;
import java.util.Objects;

/**
 * What an agent reports about its machine with every heartbeat.
 *
 * @param ferryVersion     the Ferry version the agent runs
 * @param protocol         the agent's protocol version
 * @param os               operating system and kernel, e.g. {@code Linux 6.1.0-28-amd64}
 * @param libnbdVersion    libnbd's version, empty when libnbd is missing
 * @param qemuVersion      qemu-img's version, empty when missing
 * @param platforms        the platform plugins active on the agent ({@code vmware}, {@code proxmox}, ...)
 * @param scratchFreeBytes free bytes in the agent's scratch directory
 * @param taskSlots        how many tasks the agent runs at once
 * @param storeAddress     {@code HOST:PORT} where a repository agent serves its repositories to
 *                         the manager and to proxy agents (mutual TLS); empty when the agent
 *                         serves none (since 1.1)
 */
public record AgentCapabilities(String ferryVersion, ProtocolVersion protocol, String os, String libnbdVersion,
        String qemuVersion, List<String> platforms, long scratchFreeBytes, int taskSlots, String storeAddress) {

    /** An agent that serves no repositories. */
    public AgentCapabilities(String ferryVersion, ProtocolVersion protocol, String os, String libnbdVersion,
            String qemuVersion, List<String> platforms, long scratchFreeBytes, int taskSlots) {
        this(ferryVersion, protocol, os, libnbdVersion, qemuVersion, platforms, scratchFreeBytes, taskSlots, "");
    }

    public AgentCapabilities {
        Objects.requireNonNull(ferryVersion, "ferryVersion");
        Objects.requireNonNull(protocol, "protocol");
        os = os == null ? "" : os;
        libnbdVersion = libnbdVersion == null ? "" : libnbdVersion;
        qemuVersion = qemuVersion == null ? "" : qemuVersion;
        platforms = List.copyOf(platforms);
        storeAddress = storeAddress == null ? "" : storeAddress;
    }

    /** Whether the agent serves repositories ({@link #storeAddress} is set). */
    public boolean servesRepositories() {
        return !storeAddress.isEmpty();
    }
}
