package io.ferry.inventory.internal;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.ServerSpec;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Describes the machine Ferry runs on, so that a fresh installation lists it as the backup
 * server. Reads only local files and interfaces; never does a name lookup.
 */
final class LocalMachine {

    private LocalMachine() {
    }

    static ServerSpec describe(String configuredName) {
        String name = configuredName.isBlank() ? hostName() : configuredName.strip();
        List<Cidr> networks = new ArrayList<>();
        String address = "127.0.0.1";
        for (InterfaceAddress ia : interfaceAddresses()) {
            if (ia.getAddress() instanceof Inet4Address && !ia.getAddress().isLoopbackAddress()) {
                if (address.equals("127.0.0.1")) {
                    address = ia.getAddress().getHostAddress();
                }
                networks.add(networkOf(ia));
            }
        }
        return ServerSpec.builder(name, address)
                .os(operatingSystem())
                .machineKind(machineKind())
                .networks(networks)
                .maxConcurrentTasks(Math.max(2, Math.min(ServerSpec.MAX_TASK_SLOTS,
                        Runtime.getRuntime().availableProcessors() * 2)))
                .build();
    }

    /** The host name cut to a valid inventory name. */
    static String hostName() {
        String raw = readFirstLine(Path.of("/etc/hostname"));
        if (raw.isBlank()) {
            raw = System.getenv().getOrDefault("HOSTNAME", "");
        }
        String cleaned = raw.strip().replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (cleaned.length() > 63) {
            cleaned = cleaned.substring(0, 63);
        }
        return cleaned.isEmpty() ? "backup-server" : cleaned;
    }

    static OsInfo operatingSystem() {
        String osName = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (osName.startsWith("windows")) {
            return OsInfo.windows("", System.getProperty("os.version", "").replaceAll("[^A-Za-z0-9._-]", ""));
        }
        Map<String, String> release = osRelease();
        return OsInfo.linux(release.getOrDefault("ID", "").replaceAll("[^a-z0-9._-]", ""),
                release.getOrDefault("VERSION_ID", "").replaceAll("[^A-Za-z0-9._-]", ""));
    }

    /** VIRTUAL when the CPU reports a hypervisor or the firmware names a virtual platform. */
    static MachineKind machineKind() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags") && line.contains(" hypervisor")) {
                    return MachineKind.VIRTUAL;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or not readable: fall through to the firmware check
        }
        String vendor = (readFirstLine(Path.of("/sys/class/dmi/id/sys_vendor")) + " "
                + readFirstLine(Path.of("/sys/class/dmi/id/product_name"))).toLowerCase(Locale.ROOT);
        for (String hint : List.of("qemu", "kvm", "vmware", "virtualbox", "virtual machine", "xen", "bochs")) {
            if (vendor.contains(hint)) {
                return MachineKind.VIRTUAL;
            }
        }
        return MachineKind.PHYSICAL;
    }

    static Map<String, String> osRelease() {
        Map<String, String> out = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip().replace("\"", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no os-release: distribution stays unknown
        }
        return out;
    }

    private static Cidr networkOf(InterfaceAddress ia) {
        byte[] b = ia.getAddress().getAddress();
        int bits = ia.getNetworkPrefixLength();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            b[i] = (byte) (b[i] & (0xFF << (8 - keep)));
        }
        return Cidr.of((b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF) + "/" + bits);
    }

    private static List<InterfaceAddress> interfaceAddresses() {
        List<InterfaceAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (ni.isUp() && !ni.isLoopback()) {
                    out.addAll(ni.getInterfaceAddresses());
                }
            }
        } catch (SocketException e) {
            // no interfaces readable: the server is registered with 127.0.0.1 and no networks
        }
        return out;
    }

    private static String readFirstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "" : lines.get(0);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
