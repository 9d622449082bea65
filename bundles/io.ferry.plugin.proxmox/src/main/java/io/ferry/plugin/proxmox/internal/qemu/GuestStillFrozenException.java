package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.FerryException;

/**
 * The guest's file systems were frozen and could not be thawed, even after a retry: writes
 * inside the guest block until someone thaws them. Callers must raise this to an
 * administrator at once; it is never a routine backup failure.
 */
public class GuestStillFrozenException extends FerryException {
    private static final long serialVersionUID = 1L;

    public GuestStillFrozenException(String message, Throwable cause) {
        super(message, cause);
    }
}
