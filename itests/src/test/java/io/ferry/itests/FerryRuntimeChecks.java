package io.ferry.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every Ferry installation must do, whatever database it uses: the features install,
 * every Ferry bundle and component is active, the inventory services are there, the shell
 * round trip works and a fresh inventory holds this machine as the backup server.
 *
 * <p>Subclasses choose the container configuration (one container per class). The test
 * methods run inside Karaf; they use their own server names so that their order does not
 * matter.
 */
public abstract class FerryRuntimeChecks {
    static final Set<String> FERRY_BUNDLES = Set.of("io.ferry.api", "io.ferry.inventory", "io.ferry.selection",
            "io.ferry.shell", "io.ferry.repository", "io.ferry.mover", "io.ferry.plugin.vmware",
            "io.ferry.plugin.hyperv", "io.ferry.plugin.proxmox", "io.ferry.rest",
            "io.ferry.console");
    static final Set<String> FERRY_FEATURES = Set.of("ferry-db", "ferry-core", "ferry-plugins", "ferry-rest",
            "ferry-console");
    static final long SERVICE_TIMEOUT_MS = 60_000;

    /** Tests start only after boot provisioning is done (featuresBootAsynchronous=true). */
    @Inject
    @Filter(timeout = 120_000)
    protected BootFinished bootFinished;

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected ServiceComponentRuntime componentRuntime;

    // --- features, bundles, components, services ---------------------------------------

    @Test
    public void ferryFeaturesAreInstalledAndEveryFerryBundleIsActive() throws Exception {
        for (String name : FERRY_FEATURES) {
            Feature feature = featuresService.getFeature(name);
            assertNotNull("feature " + name + " is not in any feature repository", feature);
            assertTrue("feature " + name + " is not installed", featuresService.isInstalled(feature));
        }
        Map<String, Bundle> ferry = ferryBundles();
        assertTrue("Ferry bundles missing; installed: " + ferry.keySet(), ferry.keySet().containsAll(FERRY_BUNDLES));
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : ferry.values()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                notActive.add(bundle.getSymbolicName() + " is " + stateName(bundle.getState()) + ":\n"
                        + shell().run("bundle:diag " + bundle.getBundleId()).shown());
            }
        }
        assertTrue("Ferry bundles not ACTIVE:\n" + String.join("\n", notActive), notActive.isEmpty());
    }

    @Test
    public void everyFerryComponentIsSatisfied() {
        List<String> problems = new ArrayList<>();
        int components = 0;
        for (Bundle bundle : ferryBundles().values()) {
            for (ComponentDescriptionDTO description : componentRuntime.getComponentDescriptionDTOs(bundle)) {
                components++;
                if (!componentRuntime.isComponentEnabled(description)) {
                    problems.add(description.name + " is disabled");
                    continue;
                }
                for (ComponentConfigurationDTO config : componentRuntime.getComponentConfigurationDTOs(description)) {
                    if (config.state != ComponentConfigurationDTO.ACTIVE
                            && config.state != ComponentConfigurationDTO.SATISFIED) {
                        problems.add(description.name + " is " + componentState(config));
                    }
                }
            }
        }
        assertTrue("Ferry bundles declare no DS components", components > 0);
        assertTrue("Ferry components not satisfied:\n" + String.join("\n", problems), problems.isEmpty());
    }

    @Test
    public void inventoryServicesAreRegisteredByTheInventoryBundle() throws Exception {
        for (Class<?> type : List.of(InventoryService.class, InventoryTransfer.class)) {
            awaitService(type);
            ServiceReference<?> ref = bundleContext.getServiceReference(type);
            assertEquals(type.getSimpleName() + " registered by", "io.ferry.inventory",
                    ref.getBundle().getSymbolicName());
        }
    }

    // --- inventory content -----------------------------------------------------------

    @Test
    public void freshInstallListsThisMachineAsBackupServer() throws Exception {
        InventoryService inventory = awaitService(InventoryService.class);
        ManagedServer backup = inventory.backupServer();
        assertTrue(backup.name() + " lacks the BACKUP_SERVER role", backup.hasRole(RoleType.BACKUP_SERVER));
        Set<String> hostNames = hostNames();
        assertTrue("backup server is named '" + backup.name() + "', expected this machine's host name, one of "
                + hostNames, hostNames.stream().anyMatch(h -> h.equalsIgnoreCase(backup.name())));
        assertEquals("servers holding BACKUP_SERVER", 1,
                inventory.servers().stream().filter(s -> s.hasRole(RoleType.BACKUP_SERVER)).count());
        String json = awaitFerryShell().ok("ferry:server-list --json");
        assertTrue("server-list --json does not list the backup server " + backup.name() + ":\n" + json,
                json.contains("\"" + backup.name() + "\""));
    }

    /** Principals named like Karaf's JAAS ones (issue 11: the services read them by simple class name). */
    public record UserPrincipal(String getName) implements java.security.Principal {
    }

    public record RolePrincipal(String getName) implements java.security.Principal {
    }

    /**
     * Issue 11: the services check the caller's JAAS Subject and the catalog records every change
     * and refusal. A viewer's change is refused by the real inventory service; Ferry's own work
     * (no Subject, as these tests call) is recorded as "system", also by the repository service
     * through its optional audit log reference; ferry:audit-list shows both.
     */
    @Test
    @SuppressWarnings("removal")
    public void changesAndRefusalsAreInTheAuditTrailByUser() throws Exception {
        InventoryService inventory = awaitService(InventoryService.class);
        io.ferry.api.repository.RepositoryService repositories =
                awaitService(io.ferry.api.repository.RepositoryService.class);
        awaitService(io.ferry.api.audit.AuditLog.class);
        Path repo = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "audit-it").resolve("repo");
        repositories.init(repo, "it-password-1".toCharArray(), new io.ferry.api.repository.InitOptions(
                io.ferry.api.repository.InitOptions.defaults().chunkSize(),
                io.ferry.api.repository.InitOptions.MIN_KDF_ITERATIONS));
        javax.security.auth.Subject vera = new javax.security.auth.Subject(true, Set.of(new UserPrincipal("vera"),
                new RolePrincipal("ferry-viewer")), Set.of(), Set.of());
        try {
            javax.security.auth.Subject.doAs(vera, (java.security.PrivilegedAction<Object>) () -> {
                inventory.removeVm("no-such-vm");
                return null;
            });
            fail("a viewer removed a VM");
        } catch (io.ferry.api.security.AccessDeniedException e) {
            assertEquals("vm-remove", e.action());
        }
        String json = awaitFerryShell().ok("ferry:audit-list --json --limit 200");
        // the entries as GET /api/v1/audit lists them (io.ferry.json)
        List<String> entries = Json.objects(Json.object(Json.parse(json)).get("entries")).stream()
                .map(e -> e.get("user") + " " + e.get("action") + " " + e.get("target") + " " + e.get("result")).toList();
        assertTrue(json, entries.contains("vera vm-remove no-such-vm DENIED"));
        assertTrue(json, entries.contains("system repo-init " + repo + " OK"));
        assertFalse(json, json.contains("it-password-1"));
    }

    @Test
    public void serverAddedInTheShellIsListedAsJson() throws Exception {
        KarafShell shell = awaitFerryShell();
        InventoryService inventory = awaitService(InventoryService.class);
        if (inventory.server("px-01").isPresent()) {
            shell.ok("ferry:server-remove px-01");
        }
        // As the README shows it: options before the name (Karaf stops reading options at the first argument).
        shell.ok("ferry:server-add --address 10.0.1.21 --os linux:ubuntu:22.04 --network 10.0.1.0/24 px-01");
        String json = shell.ok("ferry:server-list --json");
        assertTrue("not a JSON array:\n" + json, json.strip().startsWith("["));
        for (String expected : List.of("\"px-01\"", "10.0.1.21", "10.0.1.0/24")) {
            assertTrue("server-list --json lacks " + expected + ":\n" + json, json.contains(expected));
        }
        ManagedServer px01 = inventory.server("px-01").orElseThrow();
        assertEquals("linux:ubuntu:22.04", px01.spec().os().toString());
        assertEquals(List.of(Cidr.of("10.0.1.0/24")), px01.spec().networks());
        assertTrue("a new server gets GUEST_INTERACTION (seed 001)", px01.hasRole(RoleType.GUEST_INTERACTION));
    }

    @Test
    public void exportImportExportGivesIdenticalBytes() throws Exception {
        KarafShell shell = awaitFerryShell();
        addServer(shell, "px-01", "10.0.1.21", "10.0.1.0/24");
        Path first = workFile("roundtrip-1.json");
        Path second = workFile("roundtrip-2.json");

        shell.ok("ferry:inventory-export " + quoted(first));
        String exported = Files.readString(first, StandardCharsets.UTF_8);
        assertTrue("export lacks px-01:\n" + exported, exported.contains("px-01"));
        shell.ok("ferry:inventory-import " + quoted(first));
        shell.ok("ferry:inventory-export " + quoted(second));

        assertArrayEquals("export, import, export must give identical bytes (" + first + " vs " + second + ")",
                Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    public void importWithAnInvalidNetworkPrintsOneLineAndChangesNothing() throws Exception {
        KarafShell shell = awaitFerryShell();
        addServer(shell, "px-03", "10.0.3.21", "10.0.3.0/24");
        Path good = workFile("bad-import-before.json");
        shell.ok("ferry:inventory-export " + quoted(good));
        String before = Files.readString(good, StandardCharsets.UTF_8);
        String broken = before.replace("10.0.3.0/24", "10.0.3.0/33");
        assertNotEquals("export does not contain px-03's network 10.0.3.0/24:\n" + before, before, broken);
        Path bad = workFile("bad-import.json");
        Files.writeString(bad, broken, StandardCharsets.UTF_8);
        String listBefore = shell.ok("ferry:server-list --json");

        KarafShell.Result result = shell.run("ferry:inventory-import " + quoted(bad));

        String shown = result.shown();
        assertFalse("a rejected import must say why; printed nothing", shown.isEmpty());
        assertEquals("expected a one-line error, got:\n" + shown, 1, shown.lines().count());
        assertTrue("the error should name the offending field (networks):\n" + shown, shown.contains("networks"));
        Path after = workFile("bad-import-after.json");
        shell.ok("ferry:inventory-export " + quoted(after));
        assertEquals("a rejected import changed the inventory", before, Files.readString(after, StandardCharsets.UTF_8));
        assertEquals(listBefore, shell.ok("ferry:server-list --json"));
    }

    @Test
    public void dryRunImportValidatesButChangesNothing() throws Exception {
        KarafShell shell = awaitFerryShell();
        InventoryService inventory = awaitService(InventoryService.class);
        addServer(shell, "px-02", "10.0.2.21", "10.0.2.0/24");
        Path withPx02 = workFile("dry-run.json");
        shell.ok("ferry:inventory-export " + quoted(withPx02));
        shell.ok("ferry:server-remove px-02");
        assertTrue("px-02 still listed after server-remove", inventory.server("px-02").isEmpty());

        shell.ok("ferry:inventory-import --dry-run " + quoted(withPx02));
        assertTrue("--dry-run imported px-02", inventory.server("px-02").isEmpty());

        shell.ok("ferry:inventory-import " + quoted(withPx02));
        assertTrue("import did not restore px-02", inventory.server("px-02").isPresent());
    }

    // --- support ---------------------------------------------------------------------

    protected KarafShell shell() {
        return new KarafShell(sessionFactory);
    }

    /**
     * The shell once the ferry commands are registered: Karaf registers a command only
     * when the services it references are there, which can be a moment after boot.
     */
    protected KarafShell awaitFerryShell() throws InterruptedException {
        awaitService(InventoryService.class);
        KarafShell shell = shell();
        long deadline = System.currentTimeMillis() + SERVICE_TIMEOUT_MS;
        KarafShell.Result result = shell.run("ferry:server-list");
        while (commandNotFound(result) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            result = shell.run("ferry:server-list");
        }
        if (commandNotFound(result)) {
            fail("ferry commands not registered after " + SERVICE_TIMEOUT_MS / 1000 + " s: " + result.shown());
        }
        return shell;
    }

    /**
     * Adds a Linux server with one network, unless a server of that name exists. Options
     * come before the name: Karaf's own parser stops reading options at the first argument.
     */
    protected void addServer(KarafShell shell, String name, String address, String network) throws Exception {
        if (awaitService(InventoryService.class).server(name).isPresent()) {
            return;
        }
        shell.ok("ferry:server-add --address " + address + " --os linux:ubuntu:22.04 --network " + network + " " + name);
    }

    protected <T> T awaitService(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(SERVICE_TIMEOUT_MS);
            if (service == null) {
                fail(type.getName() + " not registered within " + SERVICE_TIMEOUT_MS / 1000 + " s; Ferry components:\n"
                        + shell().run("scr:list").shown());
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    /** A file under the container's data directory (each test run gets a fresh container). */
    protected static Path workFile(String name) throws IOException {
        Path dir = Path.of(System.getProperty("karaf.data"), "itest");
        Files.createDirectories(dir);
        return dir.resolve(name).toAbsolutePath();
    }

    /** Files of the embedded H2 database ({@code *.mv.db}) under {@code ${karaf.data}/ferry}. */
    protected static List<Path> h2DatabaseFiles() throws IOException {
        Path dir = Path.of(System.getProperty("karaf.data"), "ferry");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".mv.db")).collect(Collectors.toList());
        }
    }

    private Map<String, Bundle> ferryBundles() {
        Map<String, Bundle> out = new TreeMap<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            String bsn = bundle.getSymbolicName();
            if (bsn != null && bsn.startsWith("io.ferry.")) {
                out.put(bsn, bundle);
            }
        }
        return out;
    }

    private static boolean commandNotFound(KarafShell.Result result) {
        return result.failed() && (result.error().getClass().getSimpleName().equals("CommandNotFoundException")
                || String.valueOf(result.error().getMessage()).contains("Command not found"));
    }

    private static String quoted(Path file) {
        return "\"" + file + "\"";
    }

    /** The names this machine goes by: /etc/hostname, $HOSTNAME, the JDK's local host name. */
    private static Set<String> hostNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            Files.readAllLines(Path.of("/etc/hostname")).stream().findFirst().map(String::strip)
                    .filter(s -> !s.isEmpty()).ifPresent(names::add);
        } catch (IOException | RuntimeException e) {
            // not Linux: the other sources decide
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            names.add(env.strip());
        }
        try {
            String jdk = InetAddress.getLocalHost().getHostName();
            names.add(jdk);
            names.add(jdk.split("\\.", 2)[0]);
        } catch (IOException e) {
            // no resolvable local host name
        }
        return names;
    }

    private static String stateName(int state) {
        switch (state) {
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "UNINSTALLED";
        }
    }

    private static String componentState(ComponentConfigurationDTO config) {
        switch (config.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                return "waiting for its configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                return "missing references " + Stream.of(config.unsatisfiedReferences)
                        .map(r -> r.name + " " + r.target).collect(Collectors.joining(", "));
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                return "failed to activate: " + config.failure;
            default:
                return "in state " + config.state;
        }
    }
}
