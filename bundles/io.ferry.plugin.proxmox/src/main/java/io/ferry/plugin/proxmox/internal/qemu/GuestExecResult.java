package io.ferry.plugin.proxmox.internal.qemu;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A process run in the guest with {@code guest-exec}, after it ended.
 *
 * @param command   the command line, for messages
 * @param exitCode  its exit code, empty if a signal ended it
 * @param signal    the signal that ended it, if any
 * @param stdout    its standard output (UTF-8), as far as the agent captured it
 * @param stderr    its standard error (UTF-8)
 * @param truncated the agent cut the captured output (it keeps at most 16 MiB)
 */
public record GuestExecResult(String command, OptionalInt exitCode, OptionalInt signal, String stdout, String stderr,
        boolean truncated) {

    public GuestExecResult {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean succeeded() {
        return exitCode.isPresent() && exitCode.getAsInt() == 0;
    }

    @Override
    public String toString() {
        String end = exitCode.isPresent() ? "exit code " + exitCode.getAsInt() : "signal " + signal.orElse(-1);
        return "'" + command + "' in the guest ended with " + end + (stderr.isEmpty() ? "" : ": " + stderr.strip());
    }
}
