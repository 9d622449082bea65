package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.EnrollmentEndpoint;
import io.ferry.api.agent.EnrollmentToken;
import io.ferry.api.agent.ProtocolVersion;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.Caller;
import io.ferry.api.security.FerryRole;
import java.security.Principal;
import java.security.PrivilegedAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class AgentCommandsTest {
    private static final Instant NOW = Instant.parse("2026-12-06T21:00:00Z");
    private static final String CA = "ab".repeat(32);
    private static final String TOKEN = "FE1.0123456789abcdef." + "S".repeat(43) + "." + CA;

    /** The registry as the shell sees it: roles checked as the catalog's registry checks them. */
    static final class Agents implements AgentRegistry {
        final List<AgentInfo> agents = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public EnrollmentToken createToken(String server, Duration validity, String caFingerprint) {
            Caller.current().require(FerryRole.ADMIN, "agent-token");
            calls.add("createToken " + server + " " + validity + " " + caFingerprint);
            return new EnrollmentToken("0123456789abcdef", server, NOW, NOW.plus(validity), TOKEN);
        }

        @Override
        public String redeem(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void enrolled(String server, String certificateFingerprint, Instant certificateExpires) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<AgentInfo> accepted(String server, String certificateFingerprint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void heartbeat(String server, String address, AgentCapabilities capabilities, int runningTasks,
                Instant at) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<AgentInfo> agents() {
            Caller.current().require(FerryRole.VIEWER, "agent-list");
            return agents;
        }

        @Override
        public boolean remove(String server) {
            Caller.current().require(FerryRole.ADMIN, "agent-remove");
            return agents.removeIf(a -> a.server().equals(server));
        }
    }

    record Endpoint(String caFingerprint, String address) implements EnrollmentEndpoint {
    }

    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    @SuppressWarnings("removal")
    private static String runAs(String user, String role, AgentTokenCommand command) {
        Subject subject = new Subject(true, Set.of(new UserPrincipal(user), new RolePrincipal(role)), Set.of(),
                Set.of());
        return Subject.doAs(subject, (PrivilegedAction<String>) () -> {
            try {
                return run(command);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static final AgentCapabilities CAPS = new AgentCapabilities("0.1.0", new ProtocolVersion(1, 0),
            "Linux 6.1.0-28-amd64", "1.14.2", "", List.of("proxmox", "vmware"), 40L << 30, 4);

    @Test
    void agentTokenPrintsTheTokenOnceWithItsExpiryAndTheEnrollmentCommand() throws Exception {
        Agents agents = new Agents();
        String out = runAs("ann", "ferry-admin", with(new AgentTokenCommand(), "agents", agents,
                "endpoint", new Endpoint(CA, "10.0.0.5:8443"), "server", "px-01", "expires", "2d"));
        assertEquals("Enrollment token 0123456789abcdef for server 'px-01', valid until 2026-12-08T21:00:00Z, single"
                + " use (shown only now):\n  " + TOKEN + "\nOn px-01, with the launcher of a Ferry checkout (./ferry), run:\n"
                + "  ./ferry agent enroll --manager 10.0.0.5:8443 --token " + TOKEN + "\n", out);
        assertEquals(List.of("createToken px-01 PT48H " + CA), agents.calls);

        String json = run(with(new AgentTokenCommand(), "agents", agents, "endpoint", new Endpoint(CA, "10.0.0.5:8443"),
                "server", "px-01", "json", true));
        assertEquals("{\n  \"server\" : \"px-01\",\n  \"id\" : \"0123456789abcdef\",\n  \"expires\" :"
                + " \"2026-12-06T22:00:00Z\",\n  \"token\" : \"" + TOKEN + "\",\n  \"command\" : \"./ferry agent enroll"
                + " --manager 10.0.0.5:8443 --token " + TOKEN + "\"\n}\n", json);
    }

    @Test
    void aViewerOrOperatorAskingForATokenIsRefusedByTheService() {
        for (String role : List.of("ferry-viewer", "ferry-operator")) {
            AccessDeniedException denied = assertThrows(AccessDeniedException.class, () -> runAs("vera", role,
                    with(new AgentTokenCommand(), "agents", new Agents(), "endpoint", new Endpoint(CA, "m:1"),
                            "server", "px-01")));
            assertTrue(denied.getMessage().contains("agent-token") && denied.getMessage().contains("ferry-admin"),
                    denied.getMessage());
        }
    }

    @Test
    void agentTokenNeedsADurationAndTheManagersEndpoint() {
        assertEquals("--expires", assertThrows(ValidationException.class, () -> run(with(new AgentTokenCommand(),
                "agents", new Agents(), "endpoint", new Endpoint(CA, "m:1"), "server", "px-01", "expires", "soon")))
                .field());
        assertEquals(Duration.ofMinutes(30), AgentTokenCommand.validity("30m"));
        assertEquals(Duration.ofDays(7), AgentTokenCommand.validity("7D"));
        FerryException noEndpoint = assertThrows(FerryException.class,
                () -> run(with(new AgentTokenCommand(), "agents", new Agents(), "server", "px-01")));
        assertTrue(noEndpoint.getMessage().startsWith("The manager's agent endpoint is not running"),
                noEndpoint.getMessage());
    }

    @Test
    void agentListShowsHeartbeatAgeAndLostAgents() throws Exception {
        Agents agents = new Agents();
        Instant expires = NOW.plus(Duration.ofDays(90));
        agents.agents.add(new AgentInfo("px-01", "c0".repeat(32), expires, NOW.minusSeconds(3600),
                Optional.of("127.0.0.11:40100"), Optional.of(NOW.minusSeconds(4)), 2, Optional.of(CAPS)));
        agents.agents.add(new AgentInfo("px-02", "c1".repeat(32), expires, NOW.minusSeconds(3600),
                Optional.of("127.0.0.12:40200"), Optional.of(NOW.minusSeconds(95)), 1, Optional.of(CAPS)));
        agents.agents.add(new AgentInfo("repo-01", "c2".repeat(32), expires, NOW, Optional.empty(), Optional.empty(),
                0, Optional.empty()));
        AgentListCommand list = with(new AgentListCommand(), "agents", agents);
        list.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String out = run(list);
        assertTrue(out.contains("px-01   | 0.1.0   | 127.0.0.11:40100 | 2026-12-06T20:59:56Z |     4s | ok      |     2"
                + " | 1.14.2 | missing | proxmox,vmware |       40 GiB"), out);
        assertTrue(out.contains("px-02   | 0.1.0   | 127.0.0.12:40200 | 2026-12-06T20:58:25Z | 1m 35s | lost    |     1"),
                out);
        assertTrue(out.contains("repo-01 |         |                  | never                |        | waiting |     0"),
                out);

        // as GET /api/v1/agents lists them (io.ferry.json): unknown values are null here, as a script expects them
        com.fasterxml.jackson.databind.JsonNode json = io.ferry.json.FerryJson.mapper().readTree(
                AgentListCommand.json(agents.agents.subList(1, 3), NOW));
        assertEquals(2, json.size(), json.toString());
        com.fasterxml.jackson.databind.JsonNode px02 = json.get(0);
        assertEquals("px-02", px02.path("server").asText());
        assertEquals("lost", px02.path("state").asText());
        assertEquals("127.0.0.12:40200", px02.path("address").asText());
        assertEquals("2026-12-06T20:58:25Z", px02.path("lastHeartbeat").asText());
        assertEquals(95, px02.path("ageSeconds").asLong());
        assertEquals(1, px02.path("runningTasks").asInt());
        assertEquals("c1".repeat(32), px02.path("certificateFingerprint").asText());
        assertEquals("2027-03-06T21:00:00Z", px02.path("certificateExpires").asText());
        assertEquals("2026-12-06T20:00:00Z", px02.path("enrolled").asText());
        assertEquals("{\"ferryVersion\":\"0.1.0\",\"protocol\":\"1.0\",\"os\":\"Linux 6.1.0-28-amd64\","
                + "\"libnbd\":\"1.14.2\",\"qemu\":\"\",\"platforms\":[\"proxmox\",\"vmware\"],"
                + "\"scratchFreeBytes\":42949672960,\"taskSlots\":4,\"storeAddress\":null}",
                px02.path("capabilities").toString());
        com.fasterxml.jackson.databind.JsonNode waiting = json.get(1);
        assertEquals("waiting", waiting.path("state").asText());
        for (String unknown : List.of("address", "lastHeartbeat", "ageSeconds", "capabilities")) {
            assertTrue(waiting.get(unknown).isNull(), unknown + " in " + waiting);
        }
        assertEquals("[ ]\n", AgentListCommand.json(List.of(), NOW));
    }

    @Test
    void agentRemoveSaysWhetherThereWasAnAgent() throws Exception {
        Agents agents = new Agents();
        agents.agents.add(new AgentInfo("px-01", "c0".repeat(32), NOW, NOW, Optional.empty(), Optional.empty(), 0,
                Optional.empty()));
        assertEquals("Removed the agent of server 'px-01': its certificate is refused from now on\n",
                run(with(new AgentRemoveCommand(), "agents", agents, "server", "px-01")));
        assertEquals("Server 'px-01' has no enrolled agent (see ferry:agent-list)\n",
                run(with(new AgentRemoveCommand(), "agents", agents, "server", "px-01")));
    }
}
