package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.inject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.junit.jupiter.api.Test;

class CompletersTest {

    private final FakeInventory inventory = new FakeInventory();

    @Test
    void serverCompleterOffersNamesAndIds() {
        String px = inventory.put(ServerSpec.builder("px-01", "10.0.1.21").build()).id();
        String repo = inventory.put(ServerSpec.builder("repo-01", "10.0.1.40").build()).id();
        assertEquals(List.of(px + " ", repo + " ", "px-01 ", "repo-01 "),
                complete(inject(new ServerNameCompleter(), "inventory", inventory), ""));
        assertEquals(List.of("px-01 "), complete(inject(new ServerNameCompleter(), "inventory", inventory), "px"));
    }

    @Test
    void agentCompleterOffersServersWithAnAgent() {
        AgentCommandsTest.Agents agents = new AgentCommandsTest.Agents();
        java.time.Instant t = java.time.Instant.parse("2026-12-06T21:00:00Z");
        agents.agents.add(new io.ferry.api.agent.AgentInfo("px-01", "c0".repeat(32), t, t, Optional.empty(),
                Optional.empty(), 0, Optional.empty()));
        assertEquals(List.of("px-01 "), complete(inject(new AgentServerCompleter(), "agents", agents), "p"));
    }

    @Test
    void vmCompleterAsksOnlyForNamesContainingWhatIsTyped() {
        inventory.addVm(new VmSpec("web-01", "esx-01", OsInfo.linux("", ""), List.of(), List.of(), Optional.empty(), false));
        inventory.addVm(new VmSpec("sql-01", "esx-01", OsInfo.linux("", ""), List.of(), List.of(), Optional.empty(), false));
        assertEquals(List.of("web-01 "), complete(inject(new VmNameCompleter(), "inventory", inventory), "we"));
        assertEquals(Optional.of("we"), inventory.lastQuery.contains());
        assertEquals(VmNameCompleter.MAX_CANDIDATES, inventory.lastQuery.limit());
    }

    @Test
    void enumCompletersUseShellNames() {
        assertEquals(List.of("hyperv-cluster ", "hyperv-host "), complete(new HostKindCompleter(), "hyperv"));
        assertEquals(List.of("vmware-proxy "), complete(new AssignableRoleCompleter(), "vm"));
        assertEquals(List.of(), complete(new AssignableRoleCompleter(), "guest"));
        assertEquals(List.of("guest-interaction "), complete(new RoleCompleter(), "guest"));
        assertEquals(List.of("auto "), complete(new TransportModeCompleter(), "au"));
    }

    @Test
    void osCompleterLeavesDistributionPrefixesOpenForTheVersion() {
        List<Candidate> candidates = new ArrayList<>();
        new OsCompleter().completeCandidates(null, line("linux:ro"), candidates);
        Candidate prefix = candidates.stream().filter(c -> c.value().equals("linux:rocky:")).findFirst().orElseThrow();
        assertEquals(false, prefix.complete());
        assertTrue(candidates.stream().anyMatch(c -> c.value().equals("windows:server:2022") && c.complete()));
    }

    private static List<String> complete(Completer completer, String typed) {
        List<String> candidates = new ArrayList<>();
        completer.complete(null, line(typed), candidates);
        return candidates;
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
                return new String[] {"ferry:x", typed};
            }

            @Override
            public int getBufferPosition() {
                return 8 + typed.length();
            }

            @Override
            public String getBuffer() {
                return "ferry:x " + typed;
            }
        };
    }
}
