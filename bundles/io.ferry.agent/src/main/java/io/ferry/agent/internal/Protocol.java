package io.ferry.agent.internal;

import io.ferry.agent.protocol.v1.Capabilities;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.ProtocolVersion;

/** The protocol version this build speaks, and the conversions between proto and API types. */
public final class Protocol {

    /** The one place where this build's protocol version is set (agent.proto, "Versioning"). */
    public static final ProtocolVersion CURRENT = new ProtocolVersion(1, 2);

    private Protocol() {
    }

    public static io.ferry.agent.protocol.v1.ProtocolVersion toProto(ProtocolVersion version) {
        return io.ferry.agent.protocol.v1.ProtocolVersion.newBuilder().setMajor(version.major())
                .setMinor(version.minor()).build();
    }

    public static ProtocolVersion fromProto(io.ferry.agent.protocol.v1.ProtocolVersion version) {
        return new ProtocolVersion(version.getMajor(), version.getMinor());
    }

    /**
     * Why a peer speaking {@code agent} cannot talk to this manager, or null when it can.
     */
    public static String incompatibility(ProtocolVersion agent, ProtocolVersion manager) {
        if (manager.interoperatesWith(agent)) {
            return null;
        }
        return "agent protocol " + agent + " is not compatible with the manager's protocol " + manager
                + " (agents one minor version apart interoperate)";
    }

    public static AgentCapabilities fromProto(Capabilities c) {
        return new AgentCapabilities(c.getFerryVersion(), fromProto(c.getProtocol()), c.getOs(), c.getLibnbdVersion(),
                c.getQemuVersion(), c.getPlatformsList(), c.getScratchFreeBytes(), c.getTaskSlots(),
                c.getStoreAddress());
    }
}
