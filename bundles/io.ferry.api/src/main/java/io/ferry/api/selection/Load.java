package io.ferry.api.selection;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tasks already running per server (lower-case name to count), the load the planner
 * adds to and breaks ties with.
 */
public record Load(Map<String, Integer> runningTasks) {

    public static final Load NONE = new Load(Map.of());

    public Load {
        TreeMap<String, Integer> copy = new TreeMap<>();
        runningTasks.forEach((k, v) -> {
            if (v < 0) {
                throw new IllegalArgumentException("negative task count for " + k);
            }
            copy.put(k.toLowerCase(Locale.ROOT), v);
        });
        runningTasks = Map.copyOf(copy);
    }

    public int running(String server) {
        return runningTasks.getOrDefault(server.toLowerCase(Locale.ROOT), 0);
    }

    public Load with(String server, int tasks) {
        TreeMap<String, Integer> copy = new TreeMap<>(runningTasks);
        copy.put(server.toLowerCase(Locale.ROOT), tasks);
        return new Load(copy);
    }
}
