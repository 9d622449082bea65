package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;
import java.util.Objects;

/**
 * QEMU (over QMP) or the QEMU guest agent refused a command: the reply was an {@code error}
 * object. Both speak the same protocol, so both report this exception. {@link #errorClass()}
 * is QEMU's error class ({@code CommandNotFound}, {@code GenericError}, {@code DeviceNotFound},
 * ...), {@link #description()} its text.
 */
public class QmpException extends FerryException {
    private static final long serialVersionUID = 1L;

    private final String command;
    private final String errorClass;
    private final String description;

    /**
     * @param peer        who answered, for the message: {@code QEMU (QMP /run/qemu-server/100.qmp)}
     * @param command     the command that was refused
     * @param errorClass  QEMU's error class
     * @param description QEMU's error text
     */
    public QmpException(String peer, String command, String errorClass, String description) {
        super(peer + " refused '" + command + "': " + errorClass + ": " + description);
        this.command = Objects.requireNonNull(command, "command");
        this.errorClass = Objects.requireNonNull(errorClass, "errorClass");
        this.description = Objects.requireNonNull(description, "description");
    }

    public String command() {
        return command;
    }

    public String errorClass() {
        return errorClass;
    }

    public String description() {
        return description;
    }
}
