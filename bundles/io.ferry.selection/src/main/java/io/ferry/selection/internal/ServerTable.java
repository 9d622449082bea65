package io.ferry.selection.internal;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.Load;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The servers of a snapshot, indexed once per plan: index order is name order
 * (case-insensitive, then exact), so comparing indices breaks ties by name. Everything the
 * hot loops look at is precomputed into arrays.
 */
final class ServerTable {
    private static final Comparator<ManagedServer> NAME_ORDER = ManagedServer.BY_NAME
            .thenComparing(ManagedServer::name).thenComparing(ManagedServer::id);

    private final List<ManagedServer> servers;
    private final String[] names;
    private final boolean[] enabled;
    private final boolean[] windows;
    private final int[] slots;
    private final int[] running;
    private final int backupServer;
    private final Map<String, Integer> byKey = new HashMap<>();

    ServerTable(InventorySnapshot inventory, Load load) {
        List<ManagedServer> sorted = new ArrayList<>(inventory.servers());
        sorted.sort(NAME_ORDER);
        this.servers = List.copyOf(sorted);
        int n = servers.size();
        names = new String[n];
        enabled = new boolean[n];
        windows = new boolean[n];
        slots = new int[n];
        running = new int[n];
        int backup = -1;
        for (int i = 0; i < n; i++) {
            ManagedServer s = servers.get(i);
            names[i] = s.name();
            enabled[i] = s.spec().enabled();
            windows[i] = CoreRules.isWindows(s);
            slots[i] = s.spec().maxConcurrentTasks();
            running[i] = load.running(s.name());
            if (backup < 0 && s.hasRole(RoleType.BACKUP_SERVER)) {
                backup = i;
            }
            byKey.putIfAbsent(s.name().toLowerCase(Locale.ROOT), i);
        }
        for (int i = 0; i < n; i++) {
            byKey.putIfAbsent(servers.get(i).id().toLowerCase(Locale.ROOT), i);
        }
        this.backupServer = backup;
    }

    int size() {
        return servers.size();
    }

    ManagedServer server(int i) {
        return servers.get(i);
    }

    String name(int i) {
        return names[i];
    }

    boolean enabled(int i) {
        return enabled[i];
    }

    boolean windows(int i) {
        return windows[i];
    }

    int slots(int i) {
        return slots[i];
    }

    /** Tasks running on the server before the plan (from the {@link Load}). */
    int running(int i) {
        return running[i];
    }

    /** Index of the backup server, or -1 if the snapshot has none. */
    int backupServer() {
        return backupServer;
    }

    /** By name (case-insensitive) or id. */
    OptionalInt find(String nameOrId) {
        Integer i = byKey.get(nameOrId.strip().toLowerCase(Locale.ROOT));
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** Indices of the servers holding {@code role}, in name order. */
    int[] holding(RoleType role) {
        return java.util.stream.IntStream.range(0, servers.size()).filter(i -> servers.get(i).hasRole(role)).toArray();
    }
}
