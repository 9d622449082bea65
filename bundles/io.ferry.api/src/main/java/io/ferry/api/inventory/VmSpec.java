package io.ferry.api.inventory;

import io.ferry.api.ValidationException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the inventory knows about a virtual machine.
 *
 * @param name        unique name (case-insensitive)
 * @param host        name of the platform host running it
 * @param guestOs     guest operating system
 * @param networks    networks the VM is attached to, sorted
 * @param disks       disks in controller order
 * @param credentials guest OS account for guest processing, if set
 * @param vhdSet      the VM uses Hyper-V VHD Set disks (never backed up off-host, seed 004)
 */
public record VmSpec(String name, String host, OsInfo guestOs, List<Cidr> networks, List<VirtualDisk> disks,
        Optional<GuestCredentials> credentials, boolean vhdSet) {

    public VmSpec {
        name = Checks.name("name", name);
        host = Checks.name("host", host);
        Checks.notNull("guestOs", guestOs);
        networks = List.copyOf(new TreeSet<>(Checks.notNull("networks", networks)));
        disks = List.copyOf(Checks.notNull("disks", disks));
        Objects.requireNonNull(credentials, "credentials");
        HashSet<String> labels = new HashSet<>();
        for (int i = 0; i < disks.size(); i++) {
            if (!labels.add(disks.get(i).label().toLowerCase(Locale.ROOT))) {
                throw new ValidationException("disks[" + i + "].label", "'" + disks.get(i).label() + "' is used twice");
            }
        }
    }

    public long capacityBytes() {
        return disks.stream().mapToLong(VirtualDisk::capacityBytes).sum();
    }
}
