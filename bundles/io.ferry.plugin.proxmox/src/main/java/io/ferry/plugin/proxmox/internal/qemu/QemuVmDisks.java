package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The disks of a VM that runs on QEMU here: every disk location is a {@link QemuDiskLocation}
 * on the same QMP socket, no block node twice, and the disks that name a guest agent socket
 * name the same one.
 *
 * @param vm          the VM's name
 * @param qmpSocket   its QMP socket
 * @param agentSocket its guest agent's socket, if any disk names one
 * @param disks       its disks, in the VM's order
 */
public record QemuVmDisks(String vm, Path qmpSocket, Optional<Path> agentSocket, List<Disk> disks) {

    /** One disk: its label in the inventory and its block node in QEMU. */
    public record Disk(String label, String node) {
        public Disk {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(node, "node");
        }
    }

    public QemuVmDisks {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(qmpSocket, "qmpSocket");
        Objects.requireNonNull(agentSocket, "agentSocket");
        disks = List.copyOf(disks);
    }

    /** True when every disk of the VM is a disk of one running QEMU VM (see {@link #of}). */
    public static boolean applies(VirtualMachine vm) {
        List<VirtualDisk> disks = vm.spec().disks();
        if (disks.isEmpty() || !disks.stream().allMatch(d -> QemuDiskLocation.isQemu(d.location()))) {
            return false;
        }
        try {
            of(vm);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    /** @throws ValidationException a location is malformed or the disks are not of one QEMU VM */
    public static QemuVmDisks of(VirtualMachine vm) {
        List<VirtualDisk> disks = vm.spec().disks();
        if (disks.isEmpty()) {
            throw new ValidationException("disks", "VM '" + vm.name() + "' has no disks to take point-in-time views of");
        }
        Path qmp = null;
        Path agent = null;
        String agentDisk = null;
        Set<String> nodes = new HashSet<>();
        List<Disk> out = new ArrayList<>();
        for (VirtualDisk d : disks) {
            QemuDiskLocation l = QemuDiskLocation.parse(d.location());
            if (qmp == null) {
                qmp = l.qmpSocket();
            } else if (!qmp.equals(l.qmpSocket())) {
                throw new ValidationException("location", "disk '" + d.label() + "' of VM '" + vm.name() + "' is on QMP socket "
                        + l.qmpSocket() + " but disk '" + out.get(0).label() + "' on " + qmp + ": the disks of one VM share"
                        + " its QMP socket; correct the disk locations");
            }
            if (!nodes.add(l.node())) {
                throw new ValidationException("location", "disks of VM '" + vm.name() + "' name block node '" + l.node()
                        + "' twice: give each disk its own node");
            }
            if (l.agentSocket().isPresent()) {
                if (agent == null) {
                    agent = l.agentSocket().get();
                    agentDisk = d.label();
                } else if (!agent.equals(l.agentSocket().get())) {
                    throw new ValidationException("location", "disk '" + d.label() + "' of VM '" + vm.name()
                            + "' names guest agent socket " + l.agentSocket().get() + " but disk '" + agentDisk + "' names "
                            + agent + ": a VM has one guest agent; correct the disk locations");
                }
            }
            out.add(new Disk(d.label(), l.node()));
        }
        return new QemuVmDisks(vm.name(), qmp, Optional.ofNullable(agent), out);
    }
}
