package io.ferry.plugin.proxmox.internal.qemu;

import java.util.Map;
import java.util.Objects;

/**
 * What {@code guest-info} reports.
 *
 * @param version  the agent's version, e.g. {@code 7.2.22}
 * @param commands every command the agent knows, with whether it is enabled (an agent
 *                 started with {@code --block-rpcs} or in frozen state disables some)
 */
public record GuestInfo(String version, Map<String, Boolean> commands) {

    public GuestInfo {
        Objects.requireNonNull(version, "version");
        commands = Map.copyOf(commands);
    }

    /** True if the agent knows {@code command} and has it enabled. */
    public boolean supports(String command) {
        return commands.getOrDefault(command, false);
    }
}
