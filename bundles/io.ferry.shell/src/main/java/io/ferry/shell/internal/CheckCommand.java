package io.ferry.shell.internal;

import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.SelectionService;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * The readiness report. Unmet requirements are findings, not a failure of the command: it
 * prints the whole report and ends with a line counting them, so that one look shows
 * everything to fix.
 */
@Service
@Command(scope = "ferry", name = "check", description = "Checks whether servers meet the requirements of their roles.",
        detailedDescription = """
                For each server (or only SERVER) and each role it holds, every requirement
                of the core and of the installed plugins: OK or FAIL, what was found and,
                for a FAIL, what to do. Ends with the number of requirements not met.
                With --json the command fails (non-zero exit in batch mode) when a
                requirement is not met, after the JSON.

                Examples:
                  ferry:check
                  ferry:check px-01
                  ferry:check --json""")
public class CheckCommand implements Action {

    @Reference
    private SelectionService selection;

    @Option(name = "--json", description = "Print the reports as JSON")
    private boolean json;

    @Argument(index = 0, name = "SERVER", required = false, description = "Name or id of one server; all when left out")
    @Completion(ServerNameCompleter.class)
    private String server;

    @Override
    public Object execute() throws Exception {
        List<ReadinessReport> reports = selection.check(Optional.ofNullable(server).filter(s -> !s.isBlank()));
        if (json) {
            System.out.print(SelectionJson.readiness(reports));
            if (reports.stream().flatMap(r -> r.results().stream()).anyMatch(r -> !r.ok())) {
                // for scripts: non-zero exit when a requirement is not met
                throw ReportedFailure.of(summary(reports));
            }
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Server");
        table.column("Role");
        table.column("Result");
        table.column("Requirement");
        PlanPrinter.text(table, "Found");
        PlanPrinter.text(table, "Fix");
        table.emptyTableText(server == null ? "No servers to check; add one with ferry:server-add"
                : "Server " + server + " holds no roles");
        for (ReadinessReport report : reports) {
            boolean first = true;
            for (CheckResult result : report.results()) {
                table.addRow().addContent(first ? report.server() : "", first ? EnumNames.display(report.role()) : "",
                        result.ok() ? "OK" : "FAIL", result.check(), PlanPrinter.wrap(result.detail()),
                        PlanPrinter.wrap(result.fix()));
                first = false;
            }
        }
        TerminalText.print(table, System.out);
        System.out.println(summary(reports));
        return null;
    }

    /** {@code 3 requirements not met (px-01 vmware-proxy, hv-px-01 hyperv-offhost-proxy); 41 met.} */
    static String summary(List<ReadinessReport> reports) {
        long met = reports.stream().flatMap(r -> r.results().stream()).filter(CheckResult::ok).count();
        long unmet = reports.stream().flatMap(r -> r.results().stream()).filter(r -> !r.ok()).count();
        long servers = reports.stream().map(ReadinessReport::server).distinct().count();
        if (unmet == 0) {
            return "All " + PlanPrinter.plural(met, "requirement") + " met on " + PlanPrinter.plural(servers, "server")
                    + ".";
        }
        List<String> where = reports.stream().filter(r -> !r.ready())
                .map(r -> r.server() + " " + EnumNames.display(r.role())).toList();
        return unmet + (unmet == 1 ? " requirement" : " requirements") + " not met (" + String.join(", ", where)
                + "); " + met + " met.";
    }
}
