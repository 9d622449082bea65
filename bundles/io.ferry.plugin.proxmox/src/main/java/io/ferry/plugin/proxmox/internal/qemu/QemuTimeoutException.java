package io.ferry.plugin.proxmox.internal.qemu;

/**
 * QEMU or the guest agent did not answer within the time allowed. The command may still be
 * carried out later; the clients drop its late reply (QMP: by id; guest agent: by
 * resynchronising before the next command).
 */
public class QemuTimeoutException extends QemuChannelException {
    private static final long serialVersionUID = 1L;

    public QemuTimeoutException(String message) {
        super(message);
    }
}
