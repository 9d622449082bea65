package io.ferry.shell.internal;

import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.selection.Severity;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
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
 * everything to fix. Only an unmet {@link Severity#ERROR} is a FAIL and counts as not met;
 * warnings and information are shown under their own names and counted apart.
 */
@Service
@Command(scope = "ferry", name = "check", description = "Checks whether servers meet the requirements of their roles.",
        detailedDescription = """
                For each server (or only SERVER) and each role it holds, every requirement
                of the core and of the installed plugins: OK, or when not met FAIL (an
                error: the server is not ready), WARNING (it works, but not fully) or INFO
                (only matters for a feature many installations do not use); what was
                found and what to do. Ends with the number of requirements not met (errors
                only), then the warnings and information. With --json the command fails
                (non-zero exit in batch mode) when an error is not met, after the JSON.

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
            JsonOutput.print(JsonOutput.VIEWS.record(reports));
            if (reports.stream().anyMatch(r -> !r.ready())) {
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
                        label(result), result.check(), PlanPrinter.wrap(result.detail()),
                        PlanPrinter.wrap(result.fix()));
                first = false;
            }
        }
        TerminalText.print(table, System.out);
        System.out.println(summary(reports));
        return null;
    }

    /** {@code OK}, or for an unmet requirement {@code FAIL} (an error), {@code WARNING} or {@code INFO}. */
    static String label(CheckResult result) {
        if (result.ok()) {
            return "OK";
        }
        return switch (result.severity()) {
            case ERROR -> "FAIL";
            case WARNING -> "WARNING";
            case INFO -> "INFO";
        };
    }

    /**
     * {@code 3 requirements not met (px-01 vmware-proxy, hv-px-01 hyperv-offhost-proxy); 1 warning (gp-01
     * guest-interaction); 1 informational (gp-01 general-purpose-proxy); 41 met.}
     */
    static String summary(List<ReadinessReport> reports) {
        long met = count(reports, CheckResult::ok);
        long unmet = count(reports, CheckResult::failed);
        long servers = reports.stream().map(ReadinessReport::server).distinct().count();
        String warnings = unmetOf(reports, Severity.WARNING, "warning", "warnings");
        String infos = unmetOf(reports, Severity.INFO, "informational", "informational");
        if (unmet == 0 && warnings.isEmpty() && infos.isEmpty()) {
            return "All " + PlanPrinter.plural(met, "requirement") + " met on " + PlanPrinter.plural(servers, "server")
                    + ".";
        }
        if (unmet == 0) {
            return "No requirement failed on " + PlanPrinter.plural(servers, "server") + ": " + met + " met"
                    + warnings + infos + ".";
        }
        List<String> where = reports.stream().filter(r -> !r.ready())
                .map(r -> r.server() + " " + EnumNames.display(r.role())).toList();
        return unmet + (unmet == 1 ? " requirement" : " requirements") + " not met (" + String.join(", ", where)
                + ")" + warnings + infos + "; " + met + " met.";
    }

    private static long count(List<ReadinessReport> reports, Predicate<CheckResult> which) {
        return reports.stream().flatMap(r -> r.results().stream()).filter(which).count();
    }

    /** {@code ; 2 warnings (gp-01 guest-interaction, px-02 vmware-proxy)}, or empty when there are none. */
    private static String unmetOf(List<ReadinessReport> reports, Severity severity, String one, String many) {
        Predicate<CheckResult> which = r -> !r.ok() && r.severity() == severity;
        long n = count(reports, which);
        if (n == 0) {
            return "";
        }
        List<String> where = reports.stream().filter(r -> r.results().stream().anyMatch(which))
                .map(r -> r.server() + " " + EnumNames.display(r.role())).toList();
        return "; " + n + " " + (n == 1 ? one : many) + " (" + String.join(", ", where) + ")";
    }
}
