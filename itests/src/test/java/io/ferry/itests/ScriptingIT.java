package io.ferry.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue 15, "exit codes and output for scripts", on the shipped distribution driven as a script
 * drives it: {@code bin/client -b} with stdout and stderr going to files, not a terminal. Every
 * {@code ferry:} command of the tour (docs/tour.md) that has {@code --json} prints JSON and
 * nothing else (no ANSI escape, no launcher message), and exits non-zero exactly when what it
 * reports failed; a job whose session fails exits non-zero with the session as JSON; errors
 * come without colour; bin/client without JAVA_HOME prints no warning; and the Karaf JVM has
 * the default memory limit (FERRY_HEAP, bin/setenv).
 */
public class ScriptingIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final char ESC = '\u001b';

    private static UnpackedDistribution ferry;

    @BeforeClass
    public static void startWithTheSampleLab() throws Exception {
        Path parent = Path.of("target", "scripting-it", Long.toString(System.currentTimeMillis())).toAbsolutePath();
        ferry = UnpackedDistribution.unpack(FerryContainer.distributionZip().toPath(), parent);
        ferry.start();
        ferry.awaitClient("ferry:server-list", BOOT_TIMEOUT);
        // step 2 of the tour
        ferry.ok("ferry:inventory-import samples/lab-inventory.json");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (ferry != null) {
            ferry.stopOrKill();
        }
    }

    @Test
    public void everyJsonCommandOfTheTourPrintsCleanJsonAndExitsNonZeroOnlyWhenItReportsAFailure() throws Exception {
        Set<String> commands = tourCommands();
        List<String> problems = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        boolean sawAFailure = false;
        Map<String, Boolean> hasJson = new HashMap<>();
        for (String command : commands) {
            String name = command.split(" ", 2)[0];
            if (!hasJson.computeIfAbsent(name, ScriptingIT::hasJsonOption)) {
                continue;
            }
            String json = name + " --json" + command.substring(name.length());
            UnpackedDistribution.Streams result = ferry.clientStreams(json, Map.of());
            ran.add(json + " -> " + result.exitCode());
            String where = "'" + json + "' (exit " + result.exitCode() + ")";
            if (result.stdout().indexOf(ESC) >= 0 || result.stderr().indexOf(ESC) >= 0) {
                problems.add(where + " printed an ANSI escape:\n" + result.stdout() + result.stderr());
            }
            Object value;
            try {
                value = Json.parse(result.stdout());
            } catch (RuntimeException e) {
                problems.add(where + ": stdout is not one JSON value (" + e.getMessage() + "):\n" + result.stdout());
                continue;
            }
            boolean failed = name.equals("ferry:check") && unmetRequirement(value);
            sawAFailure |= failed;
            if (failed != (result.exitCode() != 0)) {
                problems.add(where + ": the exit status should be " + (failed ? "non-zero" : "0")
                        + (failed ? " (a requirement is not met)" : "") + "; stderr: " + result.stderr());
            }
        }
        assertEquals("commands run: " + ran, List.of(), problems);
        // the tour's check, select (plan, explanation, what-if), plugins and listings
        assertTrue("too few --json commands found in docs/tour.md: " + ran, ran.size() >= 10);
        // the sample lab's findings are a warning (gp-01 is disabled) and information (storage snapshots
        // need Windows): neither fails a script; an unmet error does (CheckCommand tests, shell module)
        assertTrue("ferry:check --json of the tour must run and succeed: " + ran,
                ran.stream().anyMatch(r -> r.startsWith("ferry:check --json") && r.endsWith("-> 0")));
        assertTrue("no error is unmet in the sample lab, yet a check failed: " + ran, !sawAFailure);
    }

    @Test
    public void aJobWhoseSessionFailsExitsNonZeroWithTheSessionAsCleanJson() throws Exception {
        // gp-01, the only general-purpose proxy of the sample, is disabled: the Proxmox disk cannot be processed
        UnpackedDistribution.Streams run = ferry.clientStreams("ferry:job-run --json pve-daily", Map.of());
        assertNotEquals("exit status of a FAILED session:\n" + run.stdout(), 0, run.exitCode());
        assertClean(run);
        Map<String, Object> session = Json.object(Json.parse(run.stdout()));
        assertEquals(run.stdout(), "FAILED", session.get("status"));
        assertEquals(run.stdout(), "pve-daily", session.get("job"));
    }

    @Test
    public void errorsArePlainTextAndExitNonZero() throws Exception {
        UnpackedDistribution.Streams missing = ferry.clientStreams("ferry:server-show --json nosuch", Map.of());
        assertNotEquals(missing.stdout(), 0, missing.exitCode());
        assertClean(missing);
        // Karaf's client sends the commands' error stream to its stdout too
        assertEquals("Error executing command: No server named 'nosuch' (see ferry:server-list)",
                (missing.stdout() + missing.stderr()).strip());

        for (String command : List.of("ferry:server-show --bogus x", "ferry:no-such-command")) {
            UnpackedDistribution.Streams error = ferry.clientStreams(command, Map.of());
            assertNotEquals(command + ":\n" + error.stdout(), 0, error.exitCode());
            assertClean(error);
        }
        UnpackedDistribution.Streams option = ferry.clientStreams("ferry:server-show --bogus x", Map.of());
        assertTrue(option.stdout(), option.stdout().startsWith(
                "Error executing command ferry:server-show: undefined option --bogus"));
    }

    @Test
    public void hostAndVmUpdatesKeepTheIdsAndRefuseWhatWouldBreakADisk() throws Exception {
        // a host and a VM of this test's own, so that the lab's objects stay as they are
        ferry.ok("ferry:host-add --kind proxmox-node --address 10.10.7.1 --storage upd-a:pve-pool --storage"
                + " upd-b:pve-pool it-pve-upd");
        ferry.ok("ferry:vm-add --host it-pve-upd --os linux:debian:12 --network 10.10.7.0/24 --disk"
                + " label=d0,size=1G,format=raw,location=/srv/it-upd/d0.raw,storage=upd-a it-vm-upd");
        String vmId = inventoryId("ferry:vm-list --json --host it-pve-upd", "it-vm-upd");

        // the storage a disk of the VM uses cannot go; the error names the option, nothing changes
        UnpackedDistribution.Streams refused = ferry.clientStreams("ferry:host-update --remove-storage upd-a"
                + " it-pve-upd", Map.of());
        assertNotEquals(refused.stdout(), 0, refused.exitCode());
        assertTrue(refused.stdout(), refused.stdout().contains("--storage") && refused.stdout().contains("upd-a"));

        assertTrue(ferry.ok("ferry:host-update --remove-storage upd-b --version 8.2 it-pve-upd")
                .contains("Updated host 'it-pve-upd' (version 2)"));
        assertTrue(ferry.ok("ferry:host-update --rename it-pve-upd2 it-pve-upd").contains("(version 3)"));
        assertTrue(ferry.ok("ferry:vm-update --add-disk label=d1,size=2G,format=raw,location=/srv/it-upd/d1.raw,"
                + "storage=upd-a --rename it-vm-upd2 it-vm-upd").contains("Updated VM 'it-vm-upd2' (version 2)"));
        // the VM kept its id and follows its renamed host
        assertEquals(vmId, inventoryId("ferry:vm-list --json --host it-pve-upd2", "it-vm-upd2"));
        String hosts = ferry.ok("ferry:host-list");
        assertTrue(hosts, hosts.contains("it-pve-upd2") && hosts.contains("8.2") && !hosts.contains("upd-b"));

        UnpackedDistribution.Streams stale = ferry.clientStreams("ferry:vm-update --os linux:debian:13"
                + " --expected-version 1 it-vm-upd2", Map.of());
        assertNotEquals(stale.stdout(), 0, stale.exitCode());
        assertTrue(stale.stdout(), stale.stdout().contains("VM 'it-vm-upd2' is at version 2, not 1"));

        ferry.ok("ferry:vm-remove it-vm-upd2");
        ferry.ok("ferry:host-remove it-pve-upd2");
    }

    /** The id of the named VM in the JSON a vm-list prints. */
    private String inventoryId(String command, String name) throws Exception {
        for (Object entry : (List<?>) Json.parse(ferry.ok(command))) {
            Map<String, Object> vm = Json.object(entry);
            if (name.equals(vm.get("name"))) {
                return String.valueOf(vm.get("id"));
            }
        }
        throw new AssertionError(name + " is not in the answer of " + command);
    }

    @Test
    public void binClientWithoutJavaHomePrintsOnlyTheCommandsOutput() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", null);
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        UnpackedDistribution.Streams list = ferry.clientStreams("ferry:server-list --json", env);
        assertEquals(list.stdout() + list.stderr(), 0, list.exitCode());
        assertClean(list);
        assertFalse(list.stdout() + list.stderr(), (list.stdout() + list.stderr()).contains("JAVA_HOME"));
        List<Object> servers = Json.array(Json.parse(list.stdout()));
        assertEquals(list.stdout(), 8, servers.size());
    }

    @Test
    public void theFerryJvmRunsWithTheDefaultMemoryLimit() throws Exception {
        long pid = ferry.process().orElseThrow(() -> new AssertionError("Karaf is not running")).pid();
        List<String> arguments = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), UTF_8)
                .split("\0"));
        // FERRY_HEAP's default, bin/setenv
        assertTrue(arguments.toString(), arguments.contains("-Xmx1g"));
        assertTrue(arguments.toString(), arguments.contains("-XX:MaxDirectMemorySize=1g"));
        assertTrue(arguments.toString(), arguments.contains("-XX:MaxMetaspaceSize=256m"));
    }

    private static boolean hasJsonOption(String command) {
        try {
            return ferry.ok(command + " --help").contains("--json");
        } catch (Exception e) {
            throw new AssertionError(command + " --help failed", e);
        }
    }

    private static void assertClean(UnpackedDistribution.Streams streams) {
        assertFalse("ANSI escape in stdout:\n" + streams.stdout(), streams.stdout().indexOf(ESC) >= 0);
        assertFalse("ANSI escape in stderr:\n" + streams.stderr(), streams.stderr().indexOf(ESC) >= 0);
    }

    /**
     * Whether a {@code ferry:check --json} report holds a requirement that is not met. A result
     * with a severity other than error (warning, info) does not count.
     */
    private static boolean unmetRequirement(Object report) {
        for (Object server : Json.array(report)) {
            for (Object result : Json.array(Json.object(server).get("results"))) {
                Map<String, Object> r = Json.object(result);
                Object severity = r.get("severity");
                if (Boolean.FALSE.equals(r.get("ok")) && (severity == null || "error".equalsIgnoreCase(
                        severity.toString()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The {@code ferry:} commands of docs/tour.md: the lines of its code blocks that start with
     * one (typed at the prompt) and the commands it names in running text, in order, each once.
     * Headings (which name a command without its arguments) and the form the tour calls wrong
     * ("..., not `ferry:select db-01 --explain`") are left out.
     */
    static Set<String> tourCommands() throws Exception {
        Path tour = Path.of(System.getProperty("ferry.source.root"), "docs", "tour.md");
        String text = Files.readString(tour, UTF_8);
        Set<String> commands = new LinkedHashSet<>();
        boolean inBlock = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("```")) {
                inBlock = !inBlock;
            } else if (inBlock && line.startsWith("ferry:")) {
                commands.add(line.strip());
            } else if (!inBlock && !line.startsWith("#")) {
                Matcher m = Pattern.compile("(, not )?`(ferry:[a-z-]+[^`]*)`").matcher(line);
                while (m.find()) {
                    if (m.group(1) == null) {
                        commands.add(m.group(2).strip());
                    }
                }
            }
        }
        return commands;
    }
}
