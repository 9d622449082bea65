package io.ferry.shell.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.Command;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Karaf command ACL the distribution ships for the scope {@code ferry}
 * (karaf-distribution/src/main/resources/etc/org.apache.karaf.command.acl.ferry.cfg) names
 * every ferry command of this bundle, each with the roles issue 11 gives it. A new command
 * fails this test until it is added to the ACL.
 */
class AccessControlListTest {
    private static final Path ACL = Path.of("../../karaf-distribution/src/main/resources/etc/org.apache.karaf.command.acl.ferry.cfg");
    private static final Set<String> VIEWER = Set.of("ferry-viewer", "ferry-operator", "ferry-admin");
    private static final Set<String> OPERATOR = Set.of("ferry-operator", "ferry-admin");
    private static final Set<String> ADMIN = Set.of("ferry-admin");

    private static TreeMap<String, Set<String>> acl;
    private static Set<String> commands;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(ACL, UTF_8)) {
            properties.load(in);
        }
        acl = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            acl.put(name, Arrays.stream(properties.getProperty(name).split(",")).map(String::strip)
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        commands = ferryCommands();
    }

    @Test
    void everyFerryCommandIsInTheAclAndNothingElse() {
        assertTrue(commands.size() >= 30, "found only " + commands + " in " + classes());
        Set<String> missing = new TreeSet<>(commands);
        missing.removeAll(acl.keySet());
        assertEquals(Set.of(), missing, "ferry commands without a line in " + ACL.getFileName()
                + " (only Karaf's admin could run them): add them with their roles");
        Set<String> unknown = new TreeSet<>(acl.keySet());
        unknown.removeAll(commands);
        assertEquals(Set.of(), unknown, "lines in " + ACL.getFileName() + " for commands that do not exist");
    }

    @Test
    void viewersReadOperatorsRunJobsAdminsChangeAndRestore() {
        for (String name : List.of("check", "plugins", "select", "host-list", "server-list", "server-show", "vm-list",
                "job-list", "job-show", "session-list", "session-show", "backups", "repo-info", "agent-list", "token-create",
                "token-list", "token-revoke")) {
            assertEquals(VIEWER, acl.get(name), name);
        }
        for (String name : List.of("job-run", "job-stop", "job-retry", "backup-disk", "verify")) {
            assertEquals(OPERATOR, acl.get(name), name);
        }
        for (String name : List.of("host-add", "host-remove", "server-add", "server-update", "server-remove", "vm-add",
                "vm-remove", "job-create", "job-update", "job-delete", "role-assign", "role-remove", "inventory-import",
                "inventory-export", "restore", "restore-disk", "prune", "repo-init", "secret-encrypt", "audit-list", "agent-token",
                "agent-remove")) {
            assertEquals(ADMIN, acl.get(name), name);
        }
    }

    @Test
    void everyLineGivesOneOfTheThreeTiers() {
        acl.forEach((name, roles) -> assertTrue(roles.equals(VIEWER) || roles.equals(OPERATOR) || roles.equals(ADMIN),
                name + " = " + roles + ": a role list other than the viewer, operator or admin tier"));
    }

    private static Set<String> ferryCommands() {
        Set<String> names = new TreeSet<>();
        for (Class<?> type : classes()) {
            Command command = type.getAnnotation(Command.class);
            if (command != null && command.scope().equals("ferry")) {
                names.add(command.name());
            }
        }
        return names;
    }

    /** The classes of this bundle's command package, compiled (target/classes). */
    private static List<Class<?>> classes() {
        try {
            Path root = Path.of(Arguments.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = root.resolve(Arguments.class.getPackageName().replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                        .map(n -> load(Arguments.class.getPackageName() + "." + n.substring(0, n.length() - 6)))
                        .collect(Collectors.toList());
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, AccessControlListTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
