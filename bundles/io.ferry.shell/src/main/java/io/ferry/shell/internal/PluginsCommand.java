package io.ferry.shell.internal;

import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.SelectionService;
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
                One entry per bundle that registers plugin services: its symbolic name and
                version, the io.ferry.api.spi version range it was built against, the
                platform it serves (vendor extensions may serve none) and its
                contributions: platform support, rules, transport modes, readiness checks
                and job validators. Plugins dropped into deploy/ appear within seconds;
                a plugin whose SPI version this Ferry does not offer never starts (see
                bundle:diag).

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
            System.out.print(SelectionJson.plugins(plugins));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Bundle");
        table.column("SPI");
        table.column("Platform");
        table.column("Contributes");
        table.emptyTableText("No plugins installed: no platform can be planned (install feature ferry-plugins)");
        for (PluginInfo plugin : plugins) {
            List<String> contributions = plugin.contributions().isEmpty() ? List.of("") : plugin.contributions();
            boolean first = true;
            for (String contribution : contributions) {
                table.addRow().addContent(first ? plugin.bundle() : "", first ? plugin.spiVersion() : "",
                        first ? plugin.platform().map(EnumNames::display).orElse("-") : "", contribution);
                first = false;
            }
        }
        TerminalText.print(table, System.out);
        return null;
    }
}
