package io.ferry.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.ferry.api.selection.SelectionService;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Plugins come and go at runtime, as docs/plugin-sdk.md promises: the example vendor bundle
 * (examples/acme-storage-snapshots) dropped into {@code deploy/} of the running distribution
 * shows up in {@code ferry:plugins} and changes {@code ferry:select} for a VM on an Acme
 * datastore; removed, the plan changes back, all without a restart. A plugin built for a
 * future SPI major version is refused by the resolver: {@code ferry:plugins} lists it as REFUSED
 * with what it needs in words, and {@code bundle:diag} agrees.
 * Also the tour of docs/tour.md: the sample inventory imports and {@code ferry:check} and
 * {@code ferry:select} explain it.
 *
 * <p>One container; every test imports the sample inventory first and leaves deploy/ as it
 * found it, so the order of the tests does not matter.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT {
    static final String ACME_JAR = "ferry.example.acme";
    static final String FUTURE_JAR = "ferry.example.future";
    /** The sample inventory as docs/tour.md imports it: relative to the Karaf home. */
    static final String SAMPLE = "samples/lab-inventory.json";
    /** The VM of the sample whose disks are on the Acme datastore acme-ds01. */
    static final String ACME_VM = "db-01";
    static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    static final List<String> PLATFORM_PLUGINS = List.of("io.ferry.plugin.vmware", "io.ferry.plugin.hyperv",
            "io.ferry.plugin.proxmox");

    @Inject
    @Filter(timeout = 120_000)
    protected BootFinished bootFinished;

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return FerryContainer.distribution(
                systemProperty(ACME_JAR).value(exampleJar(ACME_JAR)),
                systemProperty(FUTURE_JAR).value(exampleJar(FUTURE_JAR)));
    }

    /** Runs in the driver JVM: the jar the itests pom names, which must have been built. */
    private static String exampleJar(String property) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("System property " + property + " = " + path + " names no jar: run the"
                    + " tests through Maven (./mvnw -B verify), which builds the examples first");
        }
        return new File(path).getAbsolutePath();
    }

    // --- the tour ----------------------------------------------------------------------------

    @Test
    public void pluginsListsTheThreePlatformPluginsWithTheirSpiRange() throws Exception {
        KarafShell shell = ready();
        String plugins = shell.ok("ferry:plugins");
        for (String bundle : PLATFORM_PLUGINS) {
            String line = plugins.lines().filter(l -> l.startsWith(bundle + "/")).findFirst()
                    .orElseThrow(() -> new AssertionError(bundle + " not listed:\n" + plugins));
            assertTrue("SPI range of " + bundle + ":\n" + line, line.contains("[1.1,2)"));
            assertTrue("state of " + bundle + ":\n" + line, line.contains(" ACTIVE "));
        }
        assertTrue(plugins, plugins.contains("transport:backup-from-storage-snapshots"));
        assertTrue(plugins, plugins.contains("rule:not-a-node-of-the-cluster"));
        assertTrue(plugins, plugins.contains("transport:proxmox-nbd"));
    }

    @Test
    public void checkPrintsOkAndFailPerRequirementAndCountsWhatIsNotMet() throws Exception {
        KarafShell shell = ready();
        String check = shell.ok("ferry:check");
        assertTrue(check, check.lines().anyMatch(l -> l.contains(" OK ") && l.contains("vmware-proxy-os")));
        String disabled = check.lines().filter(l -> l.startsWith("gp-01") && l.contains("server-enabled")).findFirst()
                .orElseThrow(() -> new AssertionError("gp-01 (disabled in the sample) not reported:\n" + check));
        assertTrue(disabled, disabled.contains(" WARNING ") && disabled.contains("enable it"));
        // seed 002: storage snapshot integration needs Windows, informational for the Linux gp-01
        String snapshots = check.lines().filter(l -> l.contains("storage-snapshot-integration-needs-windows"))
                .findFirst().orElseThrow(() -> new AssertionError(check));
        assertTrue(snapshots, snapshots.contains(" INFO ") && !snapshots.contains("FAIL"));
        String summary = last(check);
        assertTrue(summary, summary.matches("(\\d+ requirements? not met \\(.*\\)|No requirement failed on \\d+ servers)"
                + "[;:].*\\d+ warnings? \\(.*gp-01 guest-interaction.*\\); 1 informational \\(gp-01 general-purpose-proxy\\).*"));

        String one = shell.ok("ferry:check px-win-01");
        assertTrue(one, one.lines().allMatch(l -> !l.startsWith("gp-01")));
        assertTrue(one, last(one).startsWith("All ") && last(one).endsWith(" met on 1 server."));
    }

    @Test
    public void selectExplainsAVmWithItsFallbackAndAVmThatCannotBeProcessed() throws Exception {
        KarafShell shell = ready();
        String legacy = shell.ok("ferry:select --explain legacy-01");
        assertTrue(legacy, legacy.contains("WARNING: Disk 'scsi0:0' of VM 'legacy-01' falls back to network on"
                + " px-br-01"));
        assertTrue(legacy, legacy.contains("  transport: backup-from-storage-snapshots: proxy px-br-01 is fixed to"
                + " virtual-appliance \u2192 direct-storage-access: "));
        assertTrue(legacy, legacy.contains("\u2192 network: ok (fallback)"));
        assertTrue(legacy, legacy.lines().anyMatch(l -> l.contains("PASS") && l.contains("transport-negotiation")));

        String pve = shell.ok("ferry:select pve-web-01");
        String disk = pve.lines().filter(l -> l.startsWith("scsi0 ")).findFirst().orElseThrow(() ->
                new AssertionError(pve));
        assertTrue(disk, disk.contains("CANNOT_PROCESS") && disk.contains("No GENERAL_PURPOSE_PROXY server"));
        assertTrue(pve, pve.contains("1 cannot be processed"));

        String json = shell.ok("ferry:select --json hv-file-01");
        assertTrue(json, json.contains("\"transportMode\" : \"hyperv-on-host\""));

        String whatIf = shell.ok("ferry:select --what-if \"remove px-lin-01\" " + ACME_VM);
        assertTrue(whatIf, whatIf.lines().anyMatch(l -> l.startsWith(ACME_VM) && l.contains("px-lin-01 via"
                + " virtual-appliance")));
    }

    /** Seed 004: on-host backup runs on a managed server; a Hyper-V host that is none is told what to declare. */
    @Test
    public void hypervHostThatIsNotAManagedServerIsToldWhatToDeclare() throws Exception {
        KarafShell shell = ready();
        shell.ok("ferry:host-add --kind hyperv-host --address 10.10.9.9 --version 2019 --domain corp.example hv-solo");
        shell.ok("ferry:vm-add --host hv-solo --os windows:server:2019 --network 10.10.1.0/24"
                + " --disk label=disk0,size=40G,format=vhdx,location=/vms/solo-01/disk0.vhdx solo-01");
        String declare = "ferry:server-add --address 10.10.9.9 --os windows:server:2019 --kind physical"
                + " --domain corp.example hv-solo";
        String plan = shell.ok("ferry:select --json solo-01");
        assertTrue(plan, plan.contains("\"status\" : \"CANNOT_PROCESS\""));
        assertTrue(plan, plan.contains("fallback hyperv-on-host is unavailable (no off-host backup proxy can read"));
        assertTrue(plan, plan.contains("Hyper-V host hv-solo is not a managed server: declare it as one, under the"
                + " host's name: " + declare + " (or name its managed server"));
        String check = shell.ok("ferry:check --json bkp-01");
        assertTrue(check, check.contains("\"check\" : \"hyperv-host-managed-server\",\n        \"ok\" : false,\n"
                + "        \"severity\" : \"WARNING\",\n        \"detail\" : \"Hyper-V host hv-solo is not a managed server"));
        assertTrue(check, check.contains(declare));
        assertTrue(shell.ok("ferry:check bkp-01"), shell.ok("ferry:check bkp-01").lines()
                .anyMatch(l -> l.contains(" WARNING ") && l.contains("hyperv-host-managed-server")));

        shell.ok(declare);
        String after = shell.ok("ferry:select --json solo-01");
        assertTrue(after, after.contains("\"proxy\" : \"hv-solo\""));
        assertTrue(after, after.contains("\"transportMode\" : \"hyperv-on-host\""));
        assertFalse(shell.ok("ferry:check --json bkp-01").contains("hv-solo is not a managed server"));
    }

    // --- hot deploy --------------------------------------------------------------------------

    @Test
    public void vendorPluginDroppedIntoDeployChangesThePlanAndItsRemovalChangesItBack() throws Exception {
        KarafShell shell = ready();
        String before = shell.ok("ferry:select --explain " + ACME_VM);
        assertFalse("no storage integration yet:\n" + before, diskModes(before).contains("backup-from-storage-snapshots"));
        assertTrue(before, before.contains("backup-from-storage-snapshots: no storage integration for datastore"
                + " acme-ds01 (none installed)"));
        assertFalse(before, before.contains("acme-proxy-has-array-access"));

        long selectionService = selectionServiceId();
        Path deployed = deploy(ACME_JAR);
        long start = System.nanoTime();
        try {
            // the bundle may be listed for a moment before its components register their services
            String plugins = await(shell, "ferry:plugins", out -> out.lines().anyMatch(l ->
                    l.startsWith("io.ferry.example.acme/") && l.contains("rule:acme-proxy-has-array-access")));
            long listedMs = (System.nanoTime() - start) / 1_000_000;
            String acme = plugins.lines().filter(l -> l.startsWith("io.ferry.example.acme/")).findFirst().orElseThrow();
            assertTrue(acme, acme.contains(" ACTIVE ") && acme.contains("[1.1,2)"));
            assertTrue(plugins, plugins.contains("check:acme-host-integration"));
            assertTrue("the storage integration is listed with the rule and the check:\n" + plugins,
                    plugins.contains("storage-snapshots:Acme FlashArray"));
            String json = await(shell, "ferry:plugins --json", out -> out.contains("storage-snapshots:Acme FlashArray"));
            Map<String, Object> acmeJson = pluginJson(json, "io.ferry.example.acme/");
            assertEquals(json, "ACTIVE", acmeJson.get("state"));
            assertTrue(json, ((List<?>) acmeJson.get("contributions")).containsAll(List.of(
                    "rule:acme-proxy-has-array-access", "check:acme-host-integration",
                    "storage-snapshots:Acme FlashArray")));
            System.out.println("HotDeployIT: ferry:plugins with the acme plugin in deploy/:\n" + plugins);

            String after = await(shell, "ferry:select --explain " + ACME_VM,
                    out -> diskModes(out).contains("backup-from-storage-snapshots"));
            long plannedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(after, after.lines().anyMatch(l -> l.startsWith("scsi0:0") && l.contains("px-win-01")
                    && l.contains("backup-from-storage-snapshots")));
            assertTrue(after, after.contains("  transport: backup-from-storage-snapshots: ok\n"));
            json = shell.ok("ferry:select --json " + ACME_VM);
            assertTrue(json, json.contains("\"reason\" : \"storage integration 'Acme FlashArray' snapshots datastore"
                    + " acme-ds01 of vc-01\""));
            assertTrue("no failed acme rule for px-lin-01, which lacks array access:\n" + after, after.lines()
                    .anyMatch(l -> l.contains("FAIL") && l.contains("acme-proxy-has-array-access")
                            && l.contains("px-lin-01 cannot reach the Acme FlashArray")));
            assertTrue(after, after.lines().anyMatch(l -> l.contains("acme-proxy-has-array-access")
                    && l.contains("PASS")));

            String check = shell.ok("ferry:check px-lin-01");
            assertTrue(check, check.lines().anyMatch(l -> l.contains("WARNING") && l.contains("acme-host-integration")));
            System.out.printf("HotDeployIT: acme plugin listed %d ms, in the plan %d ms after the move into deploy/%n",
                    listedMs, plannedMs);
        } finally {
            Files.deleteIfExists(deployed);
        }
        long removed = System.nanoTime();
        String back = await(shell, "ferry:select --explain " + ACME_VM,
                out -> !diskModes(out).contains("backup-from-storage-snapshots"));
        System.out.printf("HotDeployIT: plan back to virtual-appliance %d ms after the jar was deleted%n",
                (System.nanoTime() - removed) / 1_000_000);
        assertEquals(diskModes(before), diskModes(back));
        assertFalse(back, back.contains("acme-proxy-has-array-access"));
        assertFalse(shell.ok("ferry:plugins").contains("io.ferry.example.acme"));
        assertTrue(bundle("io.ferry.example.acme").isEmpty());
        assertEquals("the selection service was re-registered: plugins must come and go without a restart",
                selectionService, selectionServiceId());
    }

    @Test
    public void pluginBuiltForSpi2IsListedAsRefusedWithTheSpiVersionItNeedsAndTheOneThisFerryProvides()
            throws Exception {
        KarafShell shell = ready();
        Path deployed = deploy(FUTURE_JAR);
        try {
            Bundle future = awaitBundle("io.ferry.example.future");
            // fileinstall tries to start it at once; give the resolver time to be sure it stays refused
            Thread.sleep(3000);
            assertEquals("state of " + future.getSymbolicName(), Bundle.INSTALLED, future.getState());
            String diag = shell.ok("bundle:diag " + future.getBundleId());
            assertTrue(diag, diag.contains("Status: Installed"));
            assertTrue(diag, diag.contains("osgi.wiring.package=io.ferry.api.spi)(version>=2.0.0)(!(version>=3.0.0))"));

            String plugins = shell.ok("ferry:plugins");
            String line = plugins.lines().filter(l -> l.startsWith("io.ferry.example.future/")).findFirst()
                    .orElseThrow(() -> new AssertionError("the refused plugin is not listed:\n" + plugins));
            assertTrue(plugins, line.contains(" REFUSED ") && line.contains("[2.0,3)"));
            assertTrue(plugins, line.contains("needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1"));
            Map<String, Object> json = pluginJson(shell.ok("ferry:plugins --json"), "io.ferry.example.future/");
            assertEquals(json.toString(), "REFUSED", json.get("state"));
            assertEquals(json.toString(), "needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1", json.get("reason"));
            assertEquals(json.toString(), List.of(), json.get("contributions"));
            System.out.println("HotDeployIT: ferry:plugins with the future plugin in deploy/:\n" + plugins);
            logLine("Unable to resolve io.ferry.example.future").ifPresent(l ->
                    assertTrue(l, l.contains("io.ferry.api.spi")));
        } finally {
            Files.deleteIfExists(deployed);
        }
        awaitGone("io.ferry.example.future");
        assertFalse(shell.ok("ferry:plugins").contains("io.ferry.example.future"));
    }

    @Test
    public void stoppedVendorPluginIsListedAsStoppedAndContributesAgainOnceStarted() throws Exception {
        KarafShell shell = ready();
        Path deployed = deploy(ACME_JAR);
        try {
            await(shell, "ferry:plugins", out -> acmeLine(out).contains(" ACTIVE ")
                    && acmeLine(out).contains("rule:acme-proxy-has-array-access"));
            // as bundle:stop does (which the itest's roles may not run: Karaf's ACL wants the manager role)
            bundle("io.ferry.example.acme").orElseThrow().stop();
            String stopped = await(shell, "ferry:plugins", out -> acmeLine(out).contains(" STOPPED "));
            assertTrue(stopped, acmeLine(stopped).contains("resolved but not started: bundle:start io.ferry.example.acme"));
            assertFalse(stopped, stopped.contains("rule:acme-proxy-has-array-access"));
            assertFalse(stopped, stopped.contains("storage-snapshots:Acme FlashArray"));
            String plan = shell.ok("ferry:select --explain " + ACME_VM);
            assertFalse(plan, diskModes(plan).contains("backup-from-storage-snapshots"));

            bundle("io.ferry.example.acme").orElseThrow().start();
            await(shell, "ferry:plugins", out -> acmeLine(out).contains(" ACTIVE ")
                    && out.contains("storage-snapshots:Acme FlashArray"));
        } finally {
            Files.deleteIfExists(deployed);
        }
        awaitGone("io.ferry.example.acme");
    }

    // --- support -----------------------------------------------------------------------------

    /** The first line of the acme plugin in {@code ferry:plugins}, empty when it is not listed. */
    private static String acmeLine(String plugins) {
        return plugins.lines().filter(l -> l.startsWith("io.ferry.example.acme/")).findFirst().orElse("");
    }

    /** The shell once selection, plugins and commands are up, with the sample inventory imported. */
    private KarafShell ready() throws Exception {
        ServiceTracker<SelectionService, SelectionService> tracker = new ServiceTracker<>(bundleContext,
                SelectionService.class, null);
        tracker.open();
        try {
            if (tracker.waitForService(60_000) == null) {
                fail("SelectionService not registered within 60 s:\n" + new KarafShell(sessionFactory).run("scr:list")
                        .shown());
            }
        } finally {
            tracker.close();
        }
        KarafShell shell = new KarafShell(sessionFactory);
        await(shell, "ferry:plugins", out -> PLATFORM_PLUGINS.stream().allMatch(p -> out.contains(p + "/")));
        String imported = shell.ok("ferry:inventory-import " + SAMPLE);
        assertTrue(imported, imported.startsWith("Imported ") && imported.contains("The inventory was replaced"));
        return shell;
    }

    /** The entry of {@code ferry:plugins --json} whose bundle starts with {@code prefix}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> pluginJson(String json, String prefix) {
        return ((List<Object>) Json.parse(json)).stream().map(o -> (Map<String, Object>) o)
                .filter(p -> String.valueOf(p.get("bundle")).startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError(prefix + " not in ferry:plugins --json:\n" + json));
    }

    /** The service id of the selection service: it changes if the component is re-activated. */
    private long selectionServiceId() {
        return (Long) bundleContext.getServiceReference(SelectionService.class).getProperty("service.id");
    }

    /** Copies the example jar into deploy/ under a temporary name and moves it in, as an operator should. */
    private static Path deploy(String property) throws IOException {
        Path jar = Path.of(System.getProperty(property));
        Path deployDir = Path.of(System.getProperty("karaf.base"), "deploy");
        Files.createDirectories(deployDir);
        Path temp = deployDir.getParent().resolve("." + jar.getFileName() + ".tmp");
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(temp, deployDir.resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Runs {@code command} every half second until its output satisfies {@code done}; fails after 30 s. */
    private static String await(KarafShell shell, String command, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + DEPLOY_TIMEOUT.toNanos();
        KarafShell.Result last = shell.run(command);
        while (!(last.error() == null && done.test(last.printed())) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            last = shell.run(command);
        }
        if (last.error() != null || !done.test(last.printed())) {
            throw new AssertionError("'" + command + "' did not show the expected change within "
                    + DEPLOY_TIMEOUT.toSeconds() + " s; last output:\n" + last.shown());
        }
        return last.printed();
    }

    private Bundle awaitBundle(String symbolicName) throws InterruptedException {
        long deadline = System.nanoTime() + DEPLOY_TIMEOUT.toNanos();
        Optional<Bundle> found = bundle(symbolicName);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            found = bundle(symbolicName);
        }
        return found.orElseThrow(() -> new AssertionError(symbolicName + " was not installed from deploy/ within "
                + DEPLOY_TIMEOUT.toSeconds() + " s"));
    }

    private void awaitGone(String symbolicName) throws InterruptedException {
        long deadline = System.nanoTime() + DEPLOY_TIMEOUT.toNanos();
        while (bundle(symbolicName).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(symbolicName + " still installed after its jar left deploy/", bundle(symbolicName).isEmpty());
    }

    private Optional<Bundle> bundle(String symbolicName) {
        return Stream.of(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    /** The transport modes of the disk table rows (not of the explanation). */
    private static List<String> diskModes(String plan) {
        return plan.lines().filter(l -> l.startsWith("scsi0:")).map(l -> l.split("[|\\u2502]"))
                .filter(cells -> cells.length > 3).map(cells -> cells[3].strip()).toList();
    }

    private static String last(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** The first karaf.log line containing {@code text}, if the log is where Karaf keeps it. */
    private static Optional<String> logLine(String text) throws IOException {
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        if (!Files.isRegularFile(log)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).findFirst();
        }
    }
}
