package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;

/**
 * The connection to QEMU's QMP socket or to the guest agent's socket failed: it could not be
 * opened, it closed, or the peer sent something that is not the protocol. The state of the
 * peer is unknown; the message names the socket.
 */
public class QemuChannelException extends FerryException {
    private static final long serialVersionUID = 1L;

    public QemuChannelException(String message) {
        super(message);
    }

    public QemuChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
