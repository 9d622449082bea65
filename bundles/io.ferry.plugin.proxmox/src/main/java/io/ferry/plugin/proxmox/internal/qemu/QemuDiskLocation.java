package io.ferry.plugin.proxmox.internal.qemu;

import io.ferry.api.ValidationException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a disk of a running QEMU VM is, parsed from a disk location
 * {@code qemu+unix:///PATH/qmp.sock?node=NODE[&agent=/PATH/qga.sock]}: the VM's QMP socket,
 * the block node of the disk and, optionally, the guest agent's socket. Query values may be
 * percent-encoded. Proxmox VE: {@code qemu+unix:///var/run/qemu-server/100.qmp?node=drive-scsi0&agent=/var/run/qemu-server/100.qga}.
 * {@code node} may name the block node itself, the drive ({@code -drive id=drive-scsi0}, as Proxmox VE
 * names them) or the device the drive is attached to ({@code scsi0} or its path
 * {@code /machine/peripheral/scsi0}); the VM resolves it to its block node when views are taken
 * ({@link FleecingBackup#resolveNode}).
 *
 * @param qmpSocket   the VM's QMP socket (absolute)
 * @param node        the block node, drive id or device id (or path) of the disk
 * @param agentSocket the guest agent's socket (absolute), if given
 */
public record QemuDiskLocation(Path qmpSocket, String node, Optional<Path> agentSocket) {

    public static final String SCHEME = "qemu+unix://";
    private static final String EXPECTED = "expected qemu+unix:///path/to/qmp.sock?node=NODE[&agent=/path/to/qga.sock]";
    /** QEMU's rule for ids and node names: a letter first, then letters, digits, '-', '.', '_'. */
    private static final Pattern NODE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,127}");
    /** A device's QOM path, as query-block reports it ({@code /machine/peripheral/scsi0}). */
    private static final Pattern DEVICE_PATH = Pattern.compile("/machine(/[A-Za-z0-9._\\[\\]-]{1,128}){1,8}");

    public QemuDiskLocation {
        Objects.requireNonNull(qmpSocket, "qmpSocket");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(agentSocket, "agentSocket");
    }

    /** True when {@code location} is meant as a disk of a running QEMU VM (well-formed or not). */
    public static boolean isQemu(String location) {
        return location != null && location.startsWith(SCHEME);
    }

    /** Parses a location; every error names the location and what is wrong with it. */
    public static QemuDiskLocation parse(String location) {
        if (!isQemu(location)) {
            throw invalid(location, "is not a qemu+unix:// location");
        }
        String rest = location.substring(SCHEME.length());
        if (rest.indexOf('#') >= 0) {
            throw invalid(location, "has a '#' fragment, which means nothing here");
        }
        if (!rest.startsWith("/")) {
            throw invalid(location, "names a host; a QMP socket is local, so use three slashes");
        }
        int q = rest.indexOf('?');
        String path = decode(location, q < 0 ? rest : rest.substring(0, q));
        if (path.equals("/") || path.endsWith("/")) {
            throw invalid(location, "names no QMP socket file");
        }
        Map<String, String> query = query(location, q < 0 ? "" : rest.substring(q + 1));
        String node = query.remove("node");
        if (node == null) {
            throw invalid(location, "names no block node (node=...)");
        }
        if (!NODE.matcher(node).matches() && !DEVICE_PATH.matcher(node).matches()) {
            throw invalid(location, "has node '" + node + "', which is neither a QEMU node name, drive id or device id"
                    + " (a letter, then letters, digits, '-', '.' or '_') nor a device path (/machine/peripheral/ID)");
        }
        String agent = query.remove("agent");
        if (agent != null && !agent.startsWith("/")) {
            throw invalid(location, "has agent '" + agent + "', which is not an absolute socket path");
        }
        if (!query.isEmpty()) {
            throw invalid(location, "has unknown parameter(s) " + query.keySet() + "; only node and agent are known");
        }
        return new QemuDiskLocation(Path.of(path), node, Optional.ofNullable(agent).map(Path::of));
    }

    private static Map<String, String> query(String location, String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = decode(location, eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(location, pair.substring(eq + 1));
            if (value.isEmpty()) {
                throw invalid(location, "has an empty parameter '" + key + "'");
            }
            if (out.put(key, value) != null) {
                throw invalid(location, "names '" + key + "' twice");
            }
        }
        return out;
    }

    private static String decode(String location, String part) {
        try {
            // not a form: a '+' is a plus sign
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(location, "has a broken percent-escape in '" + part + "'");
        }
    }

    private static ValidationException invalid(String location, String problem) {
        return new ValidationException("location", "'" + location + "' " + problem + "; " + EXPECTED);
    }
}
