package io.ferry.plugin.proxmox.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Disk locations of running QEMU VMs: {@code qemu+unix:///PATH/qmp.sock?node=NODE[&agent=/PATH/qga.sock]}. */
class QemuDiskLocationTest {

    @Test
    void aProxmoxDiskLocationNamesTheQmpSocketTheNodeAndTheAgent() {
        QemuDiskLocation l = QemuDiskLocation.parse(
                "qemu+unix:///var/run/qemu-server/100.qmp?node=drive-scsi0&agent=/var/run/qemu-server/100.qga");
        assertEquals(Path.of("/var/run/qemu-server/100.qmp"), l.qmpSocket());
        assertEquals("drive-scsi0", l.node());
        assertEquals(Optional.of(Path.of("/var/run/qemu-server/100.qga")), l.agentSocket());
    }

    @Test
    void aDiskMayBeNamedByItsDeviceIdOrDevicePathAsWell() {
        assertEquals("scsi0", QemuDiskLocation.parse("qemu+unix:///var/run/qemu-server/100.qmp?node=scsi0").node());
        assertEquals("/machine/peripheral/virtio1", QemuDiskLocation.parse(
                "qemu+unix:///var/run/qemu-server/100.qmp?node=/machine/peripheral/virtio1").node());
        assertEquals("/machine/peripheral-anon/device[3]/virtio-backend", QemuDiskLocation.parse(
                "qemu+unix:///run/qmp.sock?node=%2Fmachine%2Fperipheral-anon%2Fdevice%5B3%5D%2Fvirtio-backend").node());
    }

    @Test
    void theAgentIsOptionalAndParametersMayComeInAnyOrderPercentEncoded() {
        assertEquals(Optional.empty(), QemuDiskLocation.parse("qemu+unix:///run/vm1/qmp.sock?node=disk0").agentSocket());
        QemuDiskLocation l = QemuDiskLocation.parse("qemu+unix:///run/my%20vm/qmp+1.sock?agent=%2Frun%2Fmy%20vm%2Fqga.sock&node=d.0");
        assertEquals(Path.of("/run/my vm/qmp+1.sock"), l.qmpSocket(), "'+' is a plus sign, %20 a space");
        assertEquals(Optional.of(Path.of("/run/my vm/qga.sock")), l.agentSocket());
        assertEquals("d.0", l.node());
    }

    @Test
    void malformedLocationsAreRefusedWithWhatIsWrong() {
        assertProblem("qemu+unix://pve1/run/qmp.sock?node=disk0", "three slashes");
        assertProblem("qemu+unix:///run/qmp.sock", "names no block node");
        assertProblem("qemu+unix:///run/qmp.sock?agent=/run/qga.sock", "names no block node");
        assertProblem("qemu+unix:///?node=disk0", "names no QMP socket");
        assertProblem("qemu+unix:///run/?node=disk0", "names no QMP socket");
        assertProblem("qemu+unix:///run/qmp.sock?node=", "empty parameter 'node'");
        assertProblem("qemu+unix:///run/qmp.sock?node=0disk", "neither a QEMU node name, drive id or device id");
        assertProblem("qemu+unix:///run/qmp.sock?node=/etc/passwd", "nor a device path (/machine/peripheral/ID)");
        assertProblem("qemu+unix:///run/qmp.sock?node=/machine/peripheral/scsi0%3Bx", "nor a device path");
        assertProblem("qemu+unix:///run/qmp.sock?node=disk0&node=disk1", "names 'node' twice");
        assertProblem("qemu+unix:///run/qmp.sock?node=disk0&agent=qga.sock", "not an absolute socket path");
        assertProblem("qemu+unix:///run/qmp.sock?node=disk0&bitmap=b0", "unknown parameter(s) [bitmap]");
        assertProblem("qemu+unix:///run/qmp.sock?node=disk0#x", "fragment");
        assertProblem("qemu+unix:///run/q%zzmp.sock?node=disk0", "broken percent-escape");
        assertProblem("nbd+unix:///disk0?socket=/run/nbd.sock", "is not a qemu+unix:// location");
    }

    private static void assertProblem(String location, String problem) {
        ValidationException e = assertThrows(ValidationException.class, () -> QemuDiskLocation.parse(location));
        assertTrue(e.getMessage().contains(location) && e.getMessage().contains(problem)
                && e.getMessage().contains("expected qemu+unix:///path/to/qmp.sock?node=NODE"), e.getMessage());
    }

    @Test
    void aVmIsSupportedWhenAllItsDisksAreNodesBehindOneQmpSocket() {
        VirtualMachine vm = vm(disk("scsi0", "qemu+unix:///run/100.qmp?node=drive-scsi0&agent=/run/100.qga"),
                disk("scsi1", "qemu+unix:///run/100.qmp?node=drive-scsi1"));
        assertTrue(QemuVmDisks.applies(vm));
        QemuVmDisks disks = QemuVmDisks.of(vm);
        assertEquals(Path.of("/run/100.qmp"), disks.qmpSocket());
        assertEquals(Optional.of(Path.of("/run/100.qga")), disks.agentSocket(), "one disk naming the agent is enough");
        assertEquals(List.of(new QemuVmDisks.Disk("scsi0", "drive-scsi0"), new QemuVmDisks.Disk("scsi1", "drive-scsi1")),
                disks.disks());
    }

    @Test
    void vmsWithOtherDisksOrDisksOfSeveralVmsAreNotSupported() {
        assertFalse(QemuVmDisks.applies(vm(disk("scsi0", "qemu+unix:///run/100.qmp?node=drive-scsi0"),
                disk("scsi1", "/var/lib/vz/images/100/vm-100-disk-1.qcow2"))), "one disk is a plain file");
        assertFalse(QemuVmDisks.applies(vm(disk("scsi0", "nbd://10.0.0.31:10809/vm-100"))));

        VirtualMachine twoSockets = vm(disk("scsi0", "qemu+unix:///run/100.qmp?node=drive-scsi0"),
                disk("scsi1", "qemu+unix:///run/101.qmp?node=drive-scsi1"));
        assertFalse(QemuVmDisks.applies(twoSockets));
        assertProblem(twoSockets, "share its QMP socket");
        assertProblem(vm(disk("scsi0", "qemu+unix:///run/100.qmp?node=drive-scsi0"),
                disk("scsi1", "qemu+unix:///run/100.qmp?node=drive-scsi0")), "name block node 'drive-scsi0' twice");
        assertProblem(vm(disk("scsi0", "qemu+unix:///run/100.qmp?node=drive-scsi0&agent=/run/100.qga"),
                disk("scsi1", "qemu+unix:///run/100.qmp?node=drive-scsi1&agent=/run/101.qga")), "a VM has one guest agent");
        assertProblem(vm(disk("scsi0", "qemu+unix:///run/100.qmp?node=drive-scsi0&bitmap=b0")), "unknown parameter(s) [bitmap]");
    }

    private static void assertProblem(VirtualMachine vm, String problem) {
        ValidationException e = assertThrows(ValidationException.class, () -> QemuVmDisks.of(vm));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    static VirtualDisk disk(String label, String location) {
        return new VirtualDisk(label, 64L << 20, DiskFormat.QCOW2, location, Optional.empty());
    }

    static VirtualMachine vm(VirtualDisk... disks) {
        return new VirtualMachine("4b0c5f2e-7d3a-4c1e-9f60-0a1b2c3d4e5f", 1, new VmSpec("web-01", "pve1",
                OsInfo.linux("debian", "12"), List.of(Cidr.of("10.0.0.0/24")), Arrays.asList(disks), Optional.empty(),
                false));
    }
}
