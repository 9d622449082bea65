package io.ferry.api.selection;

import io.ferry.api.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A what-if change to today's inventory, in the text form
 * {@code "remove px-02; slots px-01=8; fail-transport hotadd"}:
 * {@code remove SERVER} takes a server out, {@code slots SERVER=N} sets its task slots,
 * {@code fail-transport MODE} makes a transport mode unavailable ({@code hotadd} and
 * {@code direct} are accepted for {@code virtual-appliance} and {@code direct-storage-access}).
 */
public record Scenario(List<String> removedServers, Map<String, Integer> taskSlots, Set<String> failedTransportModes) {

    public Scenario {
        removedServers = List.copyOf(removedServers);
        taskSlots = Map.copyOf(taskSlots);
        failedTransportModes = Set.copyOf(failedTransportModes);
    }

    public static Scenario parse(String text) {
        List<String> removed = new ArrayList<>();
        Map<String, Integer> slots = new TreeMap<>();
        Set<String> failed = new TreeSet<>();
        for (String raw : text.split(";")) {
            String step = raw.strip();
            if (step.isEmpty()) {
                continue;
            }
            String[] words = step.split("\\s+", 2);
            String arg = words.length > 1 ? words[1].strip() : "";
            switch (words[0].toLowerCase(Locale.ROOT)) {
                case "remove" -> removed.add(required(step, arg));
                case "slots" -> {
                    String[] kv = required(step, arg).split("=", 2);
                    try {
                        int n = Integer.parseInt(kv.length == 2 ? kv[1].strip() : "");
                        if (n < 1) {
                            throw new NumberFormatException();
                        }
                        slots.put(kv[0].strip(), n);
                    } catch (NumberFormatException e) {
                        throw new ValidationException("what-if", "'" + step + "': expected slots SERVER=N with N >= 1");
                    }
                }
                case "fail-transport" -> failed.add(transportModeId(required(step, arg)));
                default -> throw new ValidationException("what-if", "'" + step + "': unknown change; use remove SERVER,"
                        + " slots SERVER=N or fail-transport MODE, separated by ';'");
            }
        }
        return new Scenario(removed, slots, failed);
    }

    /** Maps common names to transport mode ids: hotadd, direct, nbd, nbdssl. */
    public static String transportModeId(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "hotadd", "hot-add", "virtual-appliance", "appliance" -> "virtual-appliance";
            case "direct", "san", "direct-san", "direct-storage-access", "direct-nfs" -> "direct-storage-access";
            case "nbd", "network" -> "network";
            case "nbdssl", "network-ssl" -> "network-ssl";
            default -> n;
        };
    }

    private static String required(String step, String arg) {
        if (arg.isEmpty()) {
            throw new ValidationException("what-if", "'" + step + "' needs an argument");
        }
        return arg;
    }
}
