package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A disk of a virtual machine.
 *
 * @param label         label unique within the VM, e.g. {@code scsi0:0}, {@code disk-1}
 * @param capacityBytes provisioned size in bytes
 * @param format        image format
 * @param location      where the data mover reads it: an absolute path ({@code /var/lib/vz/a.qcow2},
 *                      {@code C:\ClusterStorage\Volume1\a.vhdx}, {@code \\fs\share\a.vhdx}), a
 *                      {@code file:} URI, or an {@code nbd://}, {@code nbds://} or {@code nbd+unix://} URI,
 *                      or (since 1.1) a disk of a running QEMU VM:
 *                      {@code qemu+unix:///path/to/qmp.sock?node=NODE[&agent=/path/to/qga.sock]}
 *                      (the VM's QMP socket, the block node of the disk, the guest agent's socket;
 *                      Proxmox VE: {@code /var/run/qemu-server/VMID.qmp}, {@code drive-scsi0},
 *                      {@code /var/run/qemu-server/VMID.qga})
 * @param storage       name of the host storage (datastore, CSV, share) holding it
 */
public record VirtualDisk(String label, long capacityBytes, DiskFormat format, String location,
        Optional<String> storage) {

    private static final Pattern NBD_URI = Pattern.compile("nbds?(\\+unix)?://[^\\s]*");
    private static final Pattern WINDOWS_PATH = Pattern.compile("([A-Za-z]:\\\\|\\\\\\\\[^\\\\]+\\\\[^\\\\]+\\\\)[^\\x00-\\x1f]*");

    public VirtualDisk {
        label = Checks.required("label", label);
        if (label.length() > 63) {
            throw new ValidationException("label", "'" + label + "' is longer than 63 characters");
        }
        if (capacityBytes <= 0) {
            throw new ValidationException("capacityBytes", "must be positive, got " + capacityBytes);
        }
        Checks.notNull("format", format);
        location = location(Checks.required("location", location));
        storage = Checks.optionalText("storage", storage).map(s -> Checks.name("storage", s));
    }

    private static String location(String value) {
        if (value.startsWith("/") || value.startsWith("file:/") || WINDOWS_PATH.matcher(value).matches()) {
            return value;
        }
        if (NBD_URI.matcher(value).matches()) {
            if (value.startsWith("nbd+unix://") || value.startsWith("nbds+unix://")) {
                if (!value.contains("socket=")) {
                    throw new ValidationException("location", "'" + value + "' names no socket; expected"
                            + " nbd+unix:///<export>?socket=/path/to.sock");
                }
            } else if (value.length() <= (value.startsWith("nbds") ? 7 : 6)) {
                throw new ValidationException("location", "'" + value + "' names no server");
            }
            return value;
        }
        if (value.startsWith("qemu+unix:///")) {
            if (!value.contains("?node=") && !value.contains("&node=")) {
                throw new ValidationException("location", "'" + value + "' names no block node; expected"
                        + " qemu+unix:///path/to/qmp.sock?node=NODE[&agent=/path/to/qga.sock]");
            }
            return value;
        }
        throw new ValidationException("location", "'" + value + "' is not an absolute path, file: URI,"
                + " nbd://, nbds://, nbd+unix:// or qemu+unix:// URI");
    }
}
