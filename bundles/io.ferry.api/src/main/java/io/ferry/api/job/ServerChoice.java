package io.ferry.api.job;

import io.ferry.api.ValidationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Which servers may do a kind of work for a job: chosen automatically among all eligible
 * servers, or limited to the listed ones ("prefer the following servers", seed 000).
 *
 * @param automatic true for automatic selection
 * @param servers   the allowed server names, in the administrator's order; empty when automatic
 */
public record ServerChoice(boolean automatic, List<String> servers) {

    public static final ServerChoice AUTOMATIC = new ServerChoice(true, List.of());

    public ServerChoice {
        servers = List.copyOf(servers);
        if (automatic && !servers.isEmpty()) {
            throw new ValidationException("servers", "automatic selection takes no server list");
        }
        if (!automatic && servers.isEmpty()) {
            throw new ValidationException("servers", "name at least one server, or choose automatic selection");
        }
        HashSet<String> seen = new HashSet<>();
        List<String> clean = new ArrayList<>();
        for (String s : servers) {
            if (s == null || s.isBlank()) {
                throw new ValidationException("servers", "contains an empty server name");
            }
            if (!seen.add(s.strip().toLowerCase(Locale.ROOT))) {
                throw new ValidationException("servers", "'" + s.strip() + "' is listed twice");
            }
            clean.add(s.strip());
        }
        servers = List.copyOf(clean);
    }

    public static ServerChoice preferred(List<String> servers) {
        return new ServerChoice(false, servers);
    }

    /** True if {@code server} may be used under this choice. */
    public boolean allows(String server) {
        return automatic || servers.stream().anyMatch(s -> s.equalsIgnoreCase(server));
    }
}
