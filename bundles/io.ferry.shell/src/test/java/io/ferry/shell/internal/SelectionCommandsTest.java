package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.inject;
import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.Load;
import io.ferry.api.selection.PlanChange;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.PluginState;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SelectionCommandsTest {

    private final FakeSelection selection = new FakeSelection();

    @Nested
    class Select {

        @Test
        void withoutAJobServiceTheNameIsPlannedAsAVm() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01"));
            assertEquals(List.of("planVm app-01"), selection.calls);
            assertTrue(out.startsWith("Plan for VM 'app-01'\n"), out);
            assertTrue(out.contains("VM app-01 (vmware, host esx-01)"), out);
            assertTrue(out.contains("Guest interaction proxy: lnx-01 (ASSIGNED), failover bkp-01"), out);
            for (String row : List.of("scsi0:0", "ASSIGNED", "px-01", "direct-storage-access", "WAITING_FOR_SLOT",
                    "CANNOT_PROCESS", "no VMware proxy qualifies: px-03 is disabled")) {
                assertTrue(out.contains(row), row + " missing:\n" + out);
            }
            assertTrue(out.contains("1 VM, 3 disks: 1 assigned, 1 waiting for a slot, 1 cannot be processed; 1 warning."),
                    out);
        }

        @Test
        void aFallbackToNetworkIsAVisibleWarningWithItsCause() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01"));
            assertTrue(out.contains("WARNING: Disk 'scsi0:1' of VM 'app-01' falls back to network on px-02"
                    + " (failover to network)\n"), out);
        }

        @Test
        void withoutExplainNoCandidateTableIsShown() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01"));
            assertFalse(out.contains("Candidate"), out);
            assertFalse(out.contains("acme-proxy-has-array-access"), out);
        }

        @Test
        void explainShowsEveryCandidateEveryVerdictAndTheTransportChain() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01", "explain", true));
            assertTrue(out.contains("  transport: direct-storage-access: no SAN access to datastore ds1"
                    + " \u2192 virtual-appliance: proxy in another datacenter \u2192 network: ok (fallback)\n"), out);
            assertTrue(out.contains("Guest interaction candidates of app-01:"), out);
            assertTrue(out.contains("Disk scsi0:1: WAITING_FOR_SLOT on px-02 via network"), out);
            assertTrue(out.contains("Disk scsi0:2: CANNOT_PROCESS\n  no candidates: no VMware proxy qualifies"), out);
            String failRow = out.lines().filter(l -> l.contains("acme-proxy-has-array-access")).findFirst().orElseThrow();
            assertTrue(failRow.contains("FAIL") && failRow.contains("px-03 has no access to array")
                    && failRow.contains("003_4fc908c7710b8ec3.txt"), failRow);
            String px03 = out.lines().filter(l -> l.startsWith("px-03")).findFirst().orElseThrow();
            assertTrue(px03.contains("no") && px03.contains("0/4"), px03);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("win-01") && l.contains("FAIL")
                    && l.contains("server-enabled")), out);
        }

        @Test
        void aJobOfThatNameIsPreferredOverAVm() throws Exception {
            selection.jobPlans.put("nightly", FakeSelection.nightly());
            selection.vmPlans.put("nightly", FakeSelection.app01());
            FakeJobs jobs = new FakeJobs().with("job-1", "nightly", "app-01", "pve-01");
            String out = run(with(new SelectCommand(), "selection", selection, "jobs", jobs, "subject", "NIGHTLY"));
            assertEquals(List.of("planJob nightly"), selection.calls);
            assertTrue(out.startsWith("Plan for job 'nightly'\n"), out);
            assertTrue(out.contains("No installed plugin serves: proxmox (see ferry:plugins)"), out);
            assertTrue(out.contains("WARNING: Proxy px-09 named by the job is not in the inventory"), out);
            assertTrue(out.contains("PLATFORM_UNSERVED"), out);
        }

        @Test
        void withJobsANameThatIsNoJobIsPlannedAsAVm() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            FakeJobs jobs = new FakeJobs().with("job-1", "nightly", "app-01");
            String out = run(with(new SelectCommand(), "selection", selection, "jobs", jobs, "subject", "app-01"));
            assertEquals(List.of("planVm app-01"), selection.calls);
            assertTrue(out.startsWith("Plan for VM 'app-01'\n"), out);
        }

        @Test
        void whatIfAsJsonPrintsScenarioChangesAndBothPlans() throws Exception {
            selection.jobPlans.put("nightly", FakeSelection.nightly());
            FakeJobs jobs = new FakeJobs().with("job-1", "nightly", "app-01", "pve-01");
            String out = run(with(new SelectCommand(), "selection", selection, "jobs", jobs, "subject", "nightly",
                    "whatIf", "fail-transport direct", "json", true));
            assertEquals(List.of("whatIf nightly"), selection.calls);
            assertTrue(out.contains("\"failedTransportModes\" : [\n      \"direct-storage-access\"\n    ]"), out);
            assertTrue(out.contains("\"before\" : {\n    \"subject\" : \"nightly\""), out);
        }

        @Test
        void withJobsAnUnknownNameIsNeitherJobNorVm() {
            NotFoundException e = assertThrows(NotFoundException.class, () -> run(with(new SelectCommand(),
                    "selection", selection, "jobs", new FakeJobs(), "subject", "nope")));
            assertEquals("No job or VM named 'nope' (see ferry:job-list, ferry:vm-list)", e.getMessage());
        }

        @Test
        void withoutJobsAnUnknownNameIsAnUnknownVm() {
            NotFoundException e = assertThrows(NotFoundException.class, () -> run(with(new SelectCommand(),
                    "selection", selection, "subject", "nope")));
            assertEquals("No VM named 'nope' (see ferry:vm-list)", e.getMessage());
        }

        @Test
        void loadOptionsBecomeRunningTasks() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01",
                    "loads", List.of("px-01=3", " PX-02 = 0 ")));
            assertEquals(new Load(Map.of("px-01", 3, "px-02", 0)), selection.lastLoad);
            assertTrue(out.startsWith("Plan for VM 'app-01' with running tasks px-01=3, px-02=0\n"), out);
        }

        @Test
        void badLoadValuesNameTheOption() {
            for (String bad : List.of("px-01", "px-01=-1", "px-01=many", "=3")) {
                ValidationException e = assertThrows(ValidationException.class, () -> SelectCommand.load(List.of(bad)));
                assertEquals("--load", e.field(), bad);
            }
        }

        @Test
        void whatIfPrintsTheChangesAsATable() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            selection.changes = List.of(new PlanChange("app-01", "scsi0:1", "px-02 via network, wave 1",
                    "px-01 via direct-storage-access"));
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01",
                    "whatIf", "remove px-02; slots px-01=8; fail-transport hotadd"));
            assertEquals(List.of("px-02"), selection.lastScenario.removedServers());
            assertEquals(Map.of("px-01", 8), selection.lastScenario.taskSlots());
            assertTrue(out.startsWith("What if \"remove px-02; slots px-01=8; fail-transport hotadd\" for VM 'app-01':"),
                    out);
            assertTrue(out.contains("Today") && out.contains("What if"), out);
            String row = out.lines().filter(l -> l.startsWith("app-01")).findFirst().orElseThrow();
            assertTrue(row.contains("scsi0:1") && row.contains("px-02 via network, wave 1")
                    && row.contains("px-01 via direct-storage-access"), row);
            assertTrue(out.contains("1 decision changes."), out);
        }

        @Test
        void whatIfWithoutChangesSaysSo() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01",
                    "whatIf", "slots px-01=8"));
            assertTrue(out.contains("No decision changes"), out);
        }

        @Test
        void whatIfErrorsNameTheOption() {
            ValidationException e = assertThrows(ValidationException.class, () -> run(with(new SelectCommand(),
                    "selection", selection, "subject", "app-01", "whatIf", "explode px-01")));
            assertTrue(e.getMessage().startsWith("--what-if: 'explode px-01': unknown change"), e.getMessage());
        }

        @Test
        void jsonPrintsThePlan() throws Exception {
            selection.vmPlans.put("app-01", FakeSelection.app01());
            String out = run(with(new SelectCommand(), "selection", selection, "subject", "app-01", "json", true));
            assertEquals(io.ferry.json.FerryJson.text(JsonOutput.VIEWS.record(FakeSelection.app01())), out);
        }
    }

    @Nested
    class Check {

        private void reports() {
            selection.reports.add(new ReadinessReport("bkp-01", RoleType.BACKUP_SERVER, List.of(
                    CheckResult.ok("requirements", "no requirements registered", ""))));
            selection.reports.add(new ReadinessReport("px-01", RoleType.VMWARE_PROXY, List.of(
                    CheckResult.ok("vmware-proxy-os", "px-01 runs linux", "003_4fc908c7710b8ec3.txt"),
                    CheckResult.fail("acme-host-integration", "px-01 has no access to Acme arrays",
                            "zone px-01 to the array", ""),
                    CheckResult.fail("vmware-host-fact", "esx-9 is not in the inventory", "add the host", ""))));
            selection.reports.add(new ReadinessReport("px-01", RoleType.GUEST_INTERACTION, List.of(
                    CheckResult.fail("server-enabled", "disabled", "enable it", ""))));
        }

        @Test
        void printsOkAndFailPerRequirementWithTheFixAndCountsWhatIsNotMet() throws Exception {
            reports();
            String out = run(with(new CheckCommand(), "selection", selection));
            assertEquals(Optional.empty(), selection.lastCheck);
            String fail = out.lines().filter(l -> l.contains("acme-host-integration")).findFirst().orElseThrow();
            assertTrue(fail.contains("FAIL") && fail.contains("zone px-01 to the array"), fail);
            String ok = out.lines().filter(l -> l.contains("vmware-proxy-os")).findFirst().orElseThrow();
            assertTrue(ok.startsWith("px-01") && ok.contains("vmware-proxy") && ok.contains(" OK "), ok);
            assertTrue(out.endsWith("3 requirements not met (px-01 vmware-proxy, px-01 guest-interaction); 2 met.\n"),
                    out);
        }

        /** seed 002_d60b83a366957625.txt: storage snapshot integration needs Windows, which a Linux proxy is not. */
        private void linuxGeneralPurposeProxy(boolean enabled) {
            selection.reports.add(new ReadinessReport("gp-01", RoleType.GENERAL_PURPOSE_PROXY, List.of(
                    CheckResult.ok("general-purpose-proxy-os", "gp-01 runs linux:ubuntu:22.04",
                            "002_d60b83a366957625.txt"),
                    CheckResult.info("storage-snapshot-integration-needs-windows", "gp-01 runs linux:ubuntu:22.04: fine"
                            + " for Proxmox VE", "only for storage snapshot integration", "002_d60b83a366957625.txt"))));
            selection.reports.add(new ReadinessReport("gp-01", RoleType.GUEST_INTERACTION, List.of(enabled
                    ? CheckResult.ok("server-enabled", "enabled", "").withSeverity(Severity.WARNING)
                    : CheckResult.warning("server-enabled", "disabled: never chosen as guest interaction proxy",
                            "enable it: ferry:server-update --enable gp-01", ""))));
        }

        @Test
        void informationIsNeverAFailAndAReadyServerSaysNoRequirementFailed() throws Exception {
            linuxGeneralPurposeProxy(true);
            String out = run(with(new CheckCommand(), "selection", selection));
            String info = out.lines().filter(l -> l.contains("storage-snapshot-integration-needs-windows")).findFirst()
                    .orElseThrow();
            assertTrue(info.contains(" INFO ") && !info.contains("FAIL"), info);
            assertFalse(out.contains("FAIL"), out);
            assertTrue(out.endsWith("No requirement failed on 1 server: 2 met; 1 informational"
                    + " (gp-01 general-purpose-proxy).\n"), out);
        }

        @Test
        void warningsAreShownAndCountedApartFromWhatIsNotMet() throws Exception {
            linuxGeneralPurposeProxy(false);
            selection.reports.add(new ReadinessReport("px-01", RoleType.VMWARE_PROXY, List.of(
                    CheckResult.fail("vmware-host-fact", "esx-9 is not in the inventory", "add the host", ""))));
            String out = run(with(new CheckCommand(), "selection", selection));
            String warning = out.lines().filter(l -> l.contains("server-enabled")).findFirst().orElseThrow();
            assertTrue(warning.contains(" WARNING ") && warning.contains("enable it"), warning);
            assertTrue(out.endsWith("1 requirement not met (px-01 vmware-proxy); 1 warning (gp-01 guest-interaction);"
                    + " 1 informational (gp-01 general-purpose-proxy); 1 met.\n"), out);
        }

        @Test
        @DisplayName("seed 004_896724e719374b4d.txt: a Hyper-V host that is not a managed server: a warning with the command to declare it")
        void hypervHostWithoutManagedServerShowsTheCommand() throws Exception {
            String fix = "declare it as one, under the host's name: ferry:server-add --address hv-solo.lab.example"
                    + " --os windows:server:2019 --kind physical hv-solo (or name its managed server when adding the"
                    + " host: ferry:host-add --kind hyperv-host --address hv-solo.lab.example --managed-server SERVER"
                    + " hv-solo)";
            selection.reports.add(new ReadinessReport("bkp-01", RoleType.BACKUP_SERVER, List.of(
                    CheckResult.warning("hyperv-host-managed-server", "Hyper-V host hv-solo is not a managed server,"
                            + " so it cannot back its VMs up on-host when no off-host proxy qualifies", fix,
                            "004_896724e719374b4d.txt"))));
            String out = run(with(new CheckCommand(), "selection", selection));
            assertTrue(out.lines().anyMatch(l -> l.startsWith("bkp-01") && l.contains(" WARNING ")
                    && l.contains("hyperv-host-managed-server")), out);
            assertEquals(fix, column(out, "hyperv-host-managed-server", 5));
            assertTrue(out.endsWith("No requirement failed on 1 server: 0 met; 1 warning (bkp-01 backup-server).\n"),
                    out);
        }

        /** The wrapped text of column {@code index} of the row naming {@code requirement}, lines joined by spaces. */
        private static String column(String out, String requirement, int index) {
            List<String> lines = out.lines().toList();
            int row = 0;
            while (!lines.get(row).contains(requirement)) {
                row++;
            }
            List<String> parts = new ArrayList<>();
            for (int i = row; i < lines.size() && lines.get(i).contains("|"); i++) {
                String[] cells = lines.get(i).split("\\|", -1);
                if (i > row && !cells[3].isBlank()) {
                    break;
                }
                if (index < cells.length && !cells[index].isBlank()) {
                    parts.add(cells[index].strip());
                }
            }
            return String.join(" ", parts);
        }

        @Test
        void allMetSaysSo() throws Exception {
            selection.reports.add(new ReadinessReport("bkp-01", RoleType.BACKUP_SERVER, List.of(
                    CheckResult.ok("requirements", "no requirements registered", ""))));
            String out = run(with(new CheckCommand(), "selection", selection));
            assertTrue(out.endsWith("All 1 requirement met on 1 server.\n"), out);
        }

        @Test
        void oneServerIsAskedForByName() throws Exception {
            reports();
            String out = run(with(new CheckCommand(), "selection", selection, "server", "bkp-01"));
            assertEquals(Optional.of("bkp-01"), selection.lastCheck);
            assertFalse(out.contains("px-01"), out);
        }

        @Test
        void jsonPrintsTheReportsAndFailsWhenARequirementIsNotMet() throws Exception {
            reports();
            java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            java.io.PrintStream original = System.out;
            Exception failure;
            try (java.io.PrintStream console = new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8)) {
                System.setOut(console);
                failure = assertThrows(Exception.class, () -> with(new CheckCommand(), "selection", selection, "json",
                        true).execute());
            } finally {
                System.setOut(original);
            }
            assertEquals(io.ferry.json.FerryJson.text(JsonOutput.VIEWS.record(selection.reports)), captured.toString(java.nio.charset.StandardCharsets.UTF_8));
            // non-zero exit for scripts, nothing printed after the JSON
            CommandException e = assertInstanceOf(CommandException.class, failure);
            assertEquals("", e.getNiceHelp());
            assertEquals("3 requirements not met (px-01 vmware-proxy, px-01 guest-interaction); 2 met.", e.getMessage());
        }

        @Test
        void jsonOfServersThatMeetEveryRequirementSucceeds() throws Exception {
            selection.reports.add(new ReadinessReport("bkp-01", RoleType.BACKUP_SERVER, List.of(
                    CheckResult.ok("requirements", "no requirements registered", ""))));
            String out = run(with(new CheckCommand(), "selection", selection, "json", true));
            assertEquals(io.ferry.json.FerryJson.text(JsonOutput.VIEWS.record(selection.reports)), out);
        }

        @Test
        void jsonShowsTheSeverityAndAServerWithOnlyInformationIsReady() throws Exception {
            linuxGeneralPurposeProxy(false);
            String out = run(with(new CheckCommand(), "selection", selection, "json", true));
            assertTrue(out.contains("\"check\" : \"storage-snapshot-integration-needs-windows\",\n        \"ok\" : false,\n"
                    + "        \"severity\" : \"INFO\",\n"), out);
            assertTrue(out.contains("\"role\" : \"GENERAL_PURPOSE_PROXY\",\n    \"ready\" : true"), out);
            assertTrue(out.contains("\"role\" : \"GUEST_INTERACTION\",\n    \"ready\" : true"), out);
            assertTrue(out.contains("\"severity\" : \"WARNING\""), out);
        }
    }

    @Nested
    class Plugins {

        @Test
        void listsBundleSpiRangePlatformAndEveryContribution() throws Exception {
            selection.plugins.add(new PluginInfo("io.ferry.plugin.vmware/0.1.0.SNAPSHOT", "[1.0,2)",
                    Optional.of(Platform.VMWARE), List.of("platform:VMWARE", "transport:network")));
            selection.plugins.add(new PluginInfo("io.ferry.example.acme/0.1.0.SNAPSHOT", "[1.0,2)", Optional.empty(),
                    List.of("rule:acme-proxy-has-array-access", "check:acme-host-integration")));
            String out = run(with(new PluginsCommand(), "selection", selection));
            String vmware = out.lines().filter(l -> l.startsWith("io.ferry.plugin.vmware")).findFirst().orElseThrow();
            assertTrue(vmware.contains("[1.0,2)") && vmware.contains("vmware") && vmware.contains("platform:VMWARE"),
                    vmware);
            assertTrue(out.lines().anyMatch(l -> l.startsWith(" ") && l.contains("transport:network")), out);
            String acme = out.lines().filter(l -> l.startsWith("io.ferry.example.acme")).findFirst().orElseThrow();
            assertTrue(acme.contains(" - ") && acme.contains("rule:acme-proxy-has-array-access"), acme);
        }

        @Test
        void refusedPluginShowsItsStateAndWhatItNeedsInsteadOfContributions() throws Exception {
            selection.plugins.add(new PluginInfo("io.ferry.example.acme/0.1.0.SNAPSHOT", "[1.1,2)", Optional.empty(),
                    List.of("rule:acme-proxy-has-array-access", "storage-snapshots:Acme FlashArray")));
            selection.plugins.add(new PluginInfo("io.ferry.example.future/0.1.0.SNAPSHOT", "[2.0,3)", Optional.empty(),
                    List.of(), PluginState.REFUSED, "needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1"));
            String out = run(with(new PluginsCommand(), "selection", selection));
            String future = out.lines().filter(l -> l.startsWith("io.ferry.example.future")).findFirst().orElseThrow();
            assertTrue(future.contains(" REFUSED ") && future.contains("[2.0,3)")
                    && future.contains("needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1"), out);
            String acme = out.lines().filter(l -> l.startsWith("io.ferry.example.acme")).findFirst().orElseThrow();
            assertTrue(acme.contains(" ACTIVE "), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith(" ") && l.contains("storage-snapshots:Acme FlashArray")),
                    out);

            String json = run(with(new PluginsCommand(), "selection", selection, "json", true));
            assertTrue(json.contains("\"state\" : \"REFUSED\"") && json.contains("\"reason\" : \"needs io.ferry.api.spi"
                    + " [2.0,3); this Ferry provides 1.1\""), json);
            assertTrue(json.contains("\"state\" : \"ACTIVE\""), json);
        }

        @Test
        void noPluginsSaysWhatToInstall() throws Exception {
            assertTrue(run(with(new PluginsCommand(), "selection", selection)).contains("install feature ferry-plugins"));
        }
    }

    @Test
    void completerOffersJobsAndVms() {
        FakeInventory inventory = new FakeInventory();
        inventory.addVm(new VmSpec("app-01", "esx-01", OsInfo.linux("", ""), List.of(), List.of(), Optional.empty(), false));
        inventory.addVm(new VmSpec("sql-01", "esx-01", OsInfo.linux("", ""), List.of(), List.of(), Optional.empty(), false));
        FakeJobs jobs = new FakeJobs().with("job-1", "nightly-app", "app-01");
        JobOrVmCompleter completer = inject(new JobOrVmCompleter(), "inventory", inventory, "jobs", jobs);
        assertEquals(List.of("app-01 ", "nightly-app ", "sql-01 "), complete(completer, ""));
        assertEquals(List.of("nightly-app "), complete(completer, "ni"));
        assertEquals(List.of("app-01 ", "sql-01 "), complete(inject(new JobOrVmCompleter(), "inventory", inventory), ""));
    }

    private static List<String> complete(JobOrVmCompleter completer, String typed) {
        List<String> out = new ArrayList<>();
        completer.complete(null, line(typed), out);
        out.sort(null);
        return out;
    }

    private static CommandLine line(String typed) {
        return new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return 1;
            }

            @Override
            public String getCursorArgument() {
                return typed;
            }

            @Override
            public int getArgumentPosition() {
                return typed.length();
            }

            @Override
            public String[] getArguments() {
                return new String[] {"ferry:select", typed};
            }

            @Override
            public int getBufferPosition() {
                return 13 + typed.length();
            }

            @Override
            public String getBuffer() {
                return "ferry:select " + typed;
            }
        };
    }
}
