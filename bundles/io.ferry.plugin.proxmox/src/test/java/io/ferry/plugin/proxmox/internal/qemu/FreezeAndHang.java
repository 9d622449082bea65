package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.session.ChangedBlockLedger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Ferry that dies, for {@link GuestThawAfterKillTest}: run in a child JVM, it opens views of
 * a VM through the real {@link QemuPointInTimeProvider} with guest processing, prints
 * {@code FROZEN} once the views' transaction ran while the guest is frozen, and then waits to be
 * killed. Arguments: scratch directory, QMP socket, agent socket, block node, and the disk's trusted
 * ledger entry as bitmap, generation, backup id and size (the views are then incremental).
 */
public final class FreezeAndHang {

    private FreezeAndHang() {
    }

    public static void main(String[] args) throws Exception {
        Path scratch = Path.of(args[0]);
        QemuPointInTimeProvider provider = new QemuPointInTimeProvider(scratch, Duration.ofSeconds(30),
                Duration.ofSeconds(10), Clock.systemUTC());
        provider.whileFrozen(() -> {
            System.out.println("FROZEN");
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // only kill -9 ends this process
                }
            }
        });
        VirtualMachine vm = vm(args[1], args[2], args[3]);
        ChangedBlockLedger entry = new ChangedBlockLedger(vm.name() + "/scsi0", args[4], Long.parseLong(args[5]), args[6],
                Long.parseLong(args[7]), true, null, Instant.now());
        provider.open(vm, true, "gip-lnx-01", Map.of("scsi0", entry));
        System.out.println("NOT FROZEN?");
    }

    static VirtualMachine vm(String qmpSocket, String agentSocket, String node) {
        return new VirtualMachine("5d0c1e2f-app-01", 1, new VmSpec("app-01", "pve1", OsInfo.linux("debian", "12"),
                List.of(Cidr.of("10.0.0.0/24")), List.of(new VirtualDisk("scsi0", 64L << 20, DiskFormat.QCOW2,
                        QemuDiskLocation.SCHEME + qmpSocket + "?node=" + node + "&agent=" + agentSocket, Optional.empty())),
                Optional.empty(), false));
    }
}
