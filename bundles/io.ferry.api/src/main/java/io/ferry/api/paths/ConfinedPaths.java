package io.ferry.api.paths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@link PathPolicy} as a plain immutable value: roots per {@link PathArea}, directories
 * no path may be in (Ferry's {@code etc/}), and the NBD host allow-list. Build it from the
 * configuration with {@link #fromConfiguration}; the OSGi component that registers it is
 * a thin wrapper.
 *
 * <p>NBD host patterns are {@code host:port}: {@code host} a name or address as written in
 * the location (IPv6 in brackets, {@code [::1]}) or {@code *}, {@code port} a number or
 * {@code *}. The default allows loopback only: {@code 127.0.0.1:*, [::1]:*, localhost:*}.
 */
public final class ConfinedPaths implements PathPolicy {

    /** The default of {@value PathPolicy#NBD_HOSTS}: NBD servers on this machine only. */
    public static final List<String> DEFAULT_NBD_HOSTS = List.of("127.0.0.1:*", "[::1]:*", "localhost:*");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[^\\]]+]|[^:\\[\\]]+):(\\*|\\d{1,5})");

    private final Map<PathArea, List<Path>> roots;
    private final List<Path> forbidden;
    private final List<String> nbdHosts;
    private final String settingsFile;

    /**
     * @param roots        absolute roots per area; an area without entry has no roots
     * @param forbidden    absolute directories no path may be in, whatever the roots (Ferry's etc/)
     * @param nbdHosts     {@code host:port} patterns of allowed TCP NBD servers
     * @param settingsFile where the settings live, for messages (e.g. {@code etc/io.ferry.paths.cfg})
     */
    public ConfinedPaths(Map<PathArea, List<Path>> roots, List<Path> forbidden, List<String> nbdHosts,
            String settingsFile) {
        Map<PathArea, List<Path>> copy = new EnumMap<>(PathArea.class);
        for (PathArea area : PathArea.values()) {
            List<Path> list = roots.getOrDefault(area, List.of()).stream().map(ConfinedPaths::absolute).toList();
            copy.put(area, list);
        }
        this.roots = copy;
        this.forbidden = forbidden.stream().map(ConfinedPaths::absolute).toList();
        for (String pattern : nbdHosts) {
            if (!HOST_PORT.matcher(pattern).matches()) {
                throw new IllegalArgumentException(NBD_HOSTS + ": '" + pattern + "' is not host:port"
                        + " (host a name, an address, [IPv6] or *; port a number or *)");
            }
        }
        this.nbdHosts = List.copyOf(nbdHosts);
        this.settingsFile = Objects.requireNonNull(settingsFile, "settingsFile");
    }

    /**
     * The policy of a configuration (PID {@value PathPolicy#PID}): each {@link PathArea#setting()}
     * and {@value PathPolicy#NBD_HOSTS} is a comma-separated string or a string array;
     * {@code ${name}} is replaced by {@code variables.apply(name)} (system properties such as
     * {@code karaf.data}). Missing settings take their defaults.
     *
     * @param etc Ferry's configuration directory ({@code ${karaf.etc}}), never reachable
     */
    public static ConfinedPaths fromConfiguration(Map<String, ?> properties, UnaryOperator<String> variables,
            Path etc) {
        Map<PathArea, List<Path>> roots = new EnumMap<>(PathArea.class);
        for (PathArea area : PathArea.values()) {
            List<String> values = list(properties.get(area.setting()));
            if (values.isEmpty() && !properties.containsKey(area.setting())) {
                values = list(area.defaultRoot());
            }
            List<Path> paths = new ArrayList<>();
            for (String value : values) {
                String expanded = expand(area.setting(), value, variables);
                try {
                    Path p = Path.of(expanded);
                    if (!p.isAbsolute()) {
                        throw new IllegalArgumentException(area.setting() + ": '" + value + "' is not an absolute path");
                    }
                    paths.add(p);
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException(area.setting() + ": '" + value + "' is not a path: "
                            + e.getReason(), e);
                }
            }
            if (area == PathArea.NBD_SOCKETS) {
                // Ferry's own sockets (QEMU point-in-time views) may live in a short directory outside
                // ${karaf.data} when the installation is deep (see ScratchDirectories); Ferry makes it
                // private to its user, so it is allowed whatever socket.roots says
                String data = variables.apply("karaf.data");
                if (data != null && !data.isBlank()) {
                    Path own = ScratchDirectories.fleecing(Path.of(data));
                    if (paths.stream().noneMatch(own::startsWith)) {
                        paths.add(own);
                    }
                }
            }
            roots.put(area, paths);
        }
        Object hosts = properties.get(NBD_HOSTS);
        List<String> nbd = hosts == null ? DEFAULT_NBD_HOSTS : list(hosts);
        return new ConfinedPaths(roots, List.of(etc), nbd, "etc/" + PID + ".cfg");
    }

    @Override
    public Path require(PathArea area, Path path) {
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(path, "path");
        Path given = path.toAbsolutePath();
        Path resolved = resolve(given);
        String shown = resolved.equals(given.normalize()) ? "'" + given.normalize() + "'"
                : "'" + given + "' (which resolves to " + resolved + ")";
        for (Path f : forbidden) {
            Path real = resolve(f);
            if (resolved.startsWith(real)) {
                throw new PathNotAllowedException("etc", capitalized(area) + " " + shown
                        + " is inside Ferry's configuration directory " + real
                        + ", which no command may read or write, whatever " + area.setting() + " in " + settingsFile
                        + " says");
            }
        }
        List<Path> allowed = roots(area);
        for (Path root : allowed) {
            if (resolved.startsWith(root)) {
                return resolved;
            }
        }
        String list = allowed.isEmpty() ? "none are configured"
                : allowed.stream().map(Path::toString).collect(Collectors.joining(", "));
        throw new PathNotAllowedException(area.setting(), capitalized(area) + " " + shown
                + " is outside the directories allowed for " + area.description() + " (" + list + "); to allow it,"
                + " add a directory holding it to " + area.setting() + " in " + settingsFile);
    }

    @Override
    public void requireNbdHost(String host, int port) {
        Objects.requireNonNull(host, "host");
        String h = host.toLowerCase(Locale.ROOT);
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        for (String pattern : nbdHosts) {
            Matcher m = HOST_PORT.matcher(pattern);
            if (!m.matches()) {
                continue;
            }
            boolean hostOk = m.group(1).equals("*") || m.group(1).toLowerCase(Locale.ROOT).equals(h);
            boolean portOk = m.group(2).equals("*") || Integer.parseInt(m.group(2)) == port;
            if (hostOk && portOk) {
                return;
            }
        }
        throw new PathNotAllowedException(NBD_HOSTS, "The NBD server " + h + ":" + port + " is not on the list of"
                + " allowed NBD hosts (" + (nbdHosts.isEmpty() ? "empty" : String.join(", ", nbdHosts))
                + "); to allow it, add " + h + ":" + port + " (or " + h + ":*) to " + NBD_HOSTS + " in " + settingsFile);
    }

    @Override
    public List<Path> roots(PathArea area) {
        return roots.get(area).stream().map(ConfinedPaths::resolve).toList();
    }

    /**
     * The path as the operating system resolves it: the longest existing prefix through
     * {@code toRealPath} (symlinks followed, {@code ..} applied after them), the missing rest
     * appended, where a {@code ..} in the missing rest removes the name before it.
     */
    static Path resolve(Path absolute) {
        Path p = absolute;
        List<Path> missing = new ArrayList<>();
        while (p != null) {
            try {
                Path real = p.toRealPath();
                for (int i = missing.size() - 1; i >= 0; i--) {
                    String name = missing.get(i).toString();
                    if (name.equals("..")) {
                        real = real.getParent() == null ? real : real.getParent();
                    } else if (!name.equals(".")) {
                        real = real.resolve(name);
                    }
                }
                return real;
            } catch (NoSuchFileException e) {
                // also a dangling symlink: its target does not exist, the name stays as it is
                if (Files.isSymbolicLink(p)) {
                    return danglingLink(p, missing);
                }
                missing.add(p.getFileName());
                p = p.getParent();
            } catch (IOException e) {
                // unreadable: compare the path as written, normalized
                return absolute.normalize();
            }
        }
        return absolute.normalize();
    }

    /** A dangling symlink: followed to where it points (so a link to a missing /etc/x is judged as /etc/x). */
    private static Path danglingLink(Path link, List<Path> missing) {
        try {
            Path target = Files.readSymbolicLink(link);
            Path absoluteTarget = link.getParent() == null ? target : link.getParent().resolve(target);
            Path rest = absoluteTarget;
            for (int i = missing.size() - 1; i >= 0; i--) {
                rest = rest.resolve(missing.get(i));
            }
            if (rest.equals(link)) {
                return link.normalize();
            }
            return resolve(rest.toAbsolutePath());
        } catch (IOException e) {
            return link.normalize();
        }
    }

    private static String capitalized(PathArea area) {
        String d = switch (area) {
            case DISK_SOURCES -> "disk source";
            case NBD_SOCKETS -> "NBD socket";
            case RESTORE_TARGETS -> "restore target";
            case TRANSFER_FILES -> "import/export file";
            case PASSWORD_FILES -> "password file";
            case REPOSITORIES -> "repository";
        };
        return Character.toUpperCase(d.charAt(0)) + d.substring(1);
    }

    private static Path absolute(Path p) {
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("'" + p + "' is not an absolute path");
        }
        return p.normalize();
    }

    private static List<String> list(Object value) {
        if (value == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        if (value instanceof String[] array) {
            items.addAll(List.of(array));
        } else if (value instanceof Collection<?> c) {
            c.forEach(o -> items.add(String.valueOf(o)));
        } else {
            items.addAll(List.of(value.toString().split(",")));
        }
        return items.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String expand(String setting, String value, UnaryOperator<String> variables) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = variables.apply(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException(setting + ": '" + value + "' names ${" + m.group(1)
                        + "}, which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return roots + ", forbidden " + forbidden + ", NBD hosts " + nbdHosts;
    }
}
