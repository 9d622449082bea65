package io.ferry.shell.internal;

import static io.ferry.shell.internal.CommandHarness.run;
import static io.ferry.shell.internal.CommandHarness.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.support.table.ShellTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: text from input reaches the terminal with its control characters escaped. */
class TerminalTextTest {
    /** Clears the screen and turns the text red: what a hostile name would do to a raw terminal. */
    private static final String HOSTILE = "web\u001b[2J\u001b[31m-01";
    private static final String SHOWN = "web\\u001b[2J\\u001b[31m-01";

    @Test
    void controlAndFormatCharactersAreEscapedAndPlainTextIsKept() {
        assertEquals(SHOWN, TerminalText.safe(HOSTILE));
        assertEquals("a\\u000ab\\u0009c\\u009bd\\u202ee", TerminalText.safe("a\nb\tc\u009bd\u202Ee"));
        assertEquals("line 1\nline\\u000d 2", TerminalText.safeLines("line 1\nline\r 2"));
        String plain = "VM 'web-01' (vmware, host esx-01): 3 disks, ünïcödé ok";
        assertSame(plain, TerminalText.safe(plain));
    }

    @Test
    void aNameWithAnAnsiEscapeIsPrintedEscapedInATable() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Host");
        table.addRow().addContent(HOSTILE, "esx-01");
        table.addRow().addContent(List.of("db-01", "esx\u001b]0;owned\u0007-02"));
        String out = print(table);
        assertTrue(out.contains(SHOWN), out);
        assertTrue(out.contains("esx\\u001b]0;owned\\u0007-02"), out);
        assertFalse(out.contains("\u001b"), out);
    }

    @Test
    void importErrorsQuotingTheFileAreEscaped(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("inventory.json"), "{}");
        InventoryTransfer transfer = new InventoryTransfer() {
            @Override
            public ImportReport importFrom(Path f, boolean validateOnly) {
                throw new ValidationException("servers[0].\u001b[2J", "unknown field; expected one of [name]");
            }

            @Override
            public void exportTo(OutputStream out) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void writeServers(List<ManagedServer> servers, OutputStream out) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void writeHosts(List<PlatformHost> hosts, OutputStream out) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void writeVms(List<VirtualMachine> vms, OutputStream out) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ServerEntry readServer(java.io.InputStream json) {
                throw new UnsupportedOperationException();
            }

            @Override
            public io.ferry.api.inventory.ServerRole readRole(java.io.InputStream json) {
                throw new UnsupportedOperationException();
            }

            @Override
            public io.ferry.api.inventory.HostSpec readHost(java.io.InputStream json) {
                throw new UnsupportedOperationException();
            }

            @Override
            public io.ferry.api.inventory.VmSpec readVm(java.io.InputStream json) {
                throw new UnsupportedOperationException();
            }
        };
        FerryException e = assertThrows(FerryException.class, () -> run(with(new InventoryImportCommand(),
                "transfer", transfer, "session", CommandHarness.sessionIn(dir), "file", file.toString(), "paths",
                new io.ferry.api.paths.ConfinedPaths(java.util.Map.of(io.ferry.api.paths.PathArea.TRANSFER_FILES,
                        List.of(dir)), List.of(dir.resolve("etc")), List.of(), "etc/io.ferry.paths.cfg"))));
        assertEquals("servers[0].\\u001b[2J: unknown field; expected one of [name]", e.getMessage());
        // a message without anything to escape stays the same exception
        ValidationException plain = new ValidationException("vms[0].name", "is required");
        assertSame(plain, TerminalText.sanitized(plain));
    }

    @Test
    void sessionErrorsFromGuestsAndNativeCodeAreEscaped() {
        TaskRecord failed = FakeSessions.failed(FakeSessions.queued("web-01", "disk-0", "px-01", "nbd"),
                "guest agent said: \u001b[8mhidden\u001b[0m");
        Session session = new Session("01JC9", "web-nightly", "manual", null, SessionStatus.FAILED, FakeSessions.T0,
                FakeSessions.T0.plusSeconds(9), List.of(failed), List.of(), "failed: \u001b[2J");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SessionText.print(new PrintStream(buffer, true, StandardCharsets.UTF_8), session, List.of());
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("guest agent said: \\u001b[8mhidden\\u001b[0m"), out);
        assertFalse(out.contains("\u001b"), out);
    }

    private static String print(ShellTable table) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        TerminalText.print(table, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
