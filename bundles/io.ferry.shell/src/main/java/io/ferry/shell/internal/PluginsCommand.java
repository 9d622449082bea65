package io.ferry.shell.internal;

import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.SelectionService;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "plugins", description = "Lists the installed plugins and what they contribute.",
        detailedDescription = """
                One entry per plugin bundle: its symbolic name and version, its state, the
                io.ferry.api.spi version range it was built against, the platform it serves
                (vendor extensions may serve none) and its contributions: platform support,
                rules, transport modes, readiness checks, job validators, storage-snapshot
                and point-in-time providers. Plugins dropped into deploy/ appear within
                seconds. State ACTIVE: its contributions are in use. REFUSED: the framework
                cannot resolve it, none of its code runs, and the entry says what it needs
                that this Ferry does not provide (e.g. "needs io.ferry.api.spi [2.0,3);
                this Ferry provides 1.1": install its release for this SPI, or upgrade
                Ferry). STOPPED: resolved but not started (bundle:start NAME). bundle:diag
                NAME shows the framework's own view.

                Examples:
                  ferry:plugins
                  ferry:plugins --json""")
public class PluginsCommand implements Action {

    @Reference
    private SelectionService selection;

    @Option(name = "--json", description = "Print the plugins as JSON")
    private boolean json;

    @Override
    public Object execute() {
        List<PluginInfo> plugins = selection.plugins();
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.plugins(plugins));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Bundle");
        table.column("State");
        table.column("SPI");
        table.column("Platform");
        PlanPrinter.text(table, "Contributes");
        table.emptyTableText("No plugins installed: no platform can be planned (install feature ferry-plugins)");
        for (PluginInfo plugin : plugins) {
            List<String> contributions = new ArrayList<>(plugin.contributions());
            if (!plugin.reason().isEmpty()) {
                contributions.add(0, PlanPrinter.wrap(plugin.reason()));
            }
            if (contributions.isEmpty()) {
                contributions.add("");
            }
            boolean first = true;
            for (String contribution : contributions) {
                table.addRow().addContent(first ? plugin.bundle() : "", first ? plugin.state().name() : "",
                        first ? plugin.spiVersion() : "", first ? plugin.platform().map(EnumNames::display).orElse("-")
                                : "", contribution);
                first = false;
            }
        }
        TerminalText.print(table, System.out);
        return null;
    }
}
