package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;

/**
 * The guest agent could not freeze the guest's file systems for a point-in-time view (it
 * refused, did not answer in time, or the connection failed), and the guest is not left frozen
 * by Ferry. Nothing of the view was kept: a caller may take a crash-consistent view instead.
 */
public class GuestFreezeException extends FerryException {
    private static final long serialVersionUID = 1L;

    public GuestFreezeException(String message, Throwable cause) {
        super(message, cause);
    }
}
