package io.ferry.shell.internal;

import io.ferry.api.selection.Candidate;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PlanChange;
import io.ferry.api.selection.RuleVerdict;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.selection.WhatIf;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * How {@code ferry:select} shows a plan: per VM its guest interaction proxy and a table of
 * its disks; with the explanation, every candidate with every rule's verdict and the
 * transport negotiation as a chain ({@code direct-storage-access: no SAN access ... →
 * network: ok (fallback)}). Fallbacks and other warnings are always shown.
 */
final class PlanPrinter {
    /** Long texts (reasons, details) wrap at this width, so that tables stay readable in a terminal. */
    static final int TEXT_WIDTH = 72;
    static final String ARROW = " \u2192 ";

    private PlanPrinter() {
    }

    /**
     * @param title   what was planned, e.g. {@code Plan for VM 'app-01'}
     * @param explain add every candidate with every verdict
     */
    static void print(PrintStream out, String title, Plan plan, boolean explain) {
        out.println(TerminalText.safe(title));
        if (!plan.unservedPlatforms().isEmpty()) {
            out.println(TerminalText.safe("No installed plugin serves: " + plan.unservedPlatforms().stream().map(EnumNames::display)
                    .sorted().collect(Collectors.joining(", ")) + " (see ferry:plugins)"));
        }
        warnings(out, "", plan.warnings());
        if (plan.vms().isEmpty()) {
            out.println("Nothing to plan: the job has no VMs");
        }
        for (VmPlan vm : plan.vms()) {
            out.println();
            vm(out, vm, explain);
        }
        out.println();
        out.println(TerminalText.safe(summary(plan)));
    }

    /** The differences a what-if scenario makes, as a table: VM, item, today, under the scenario. */
    static void printWhatIf(PrintStream out, String title, WhatIf whatIf) {
        out.println(TerminalText.safe(title));
        ShellTable table = new ShellTable();
        table.column("VM");
        table.column("Item");
        text(table, "Today");
        text(table, "What if");
        table.emptyTableText("No decision changes: the plan under the scenario is the same as today's");
        for (PlanChange c : whatIf.changes()) {
            table.addRow().addContent(c.vm(), c.item(), wrap(c.before()), wrap(c.after()));
        }
        TerminalText.print(table, out);
        warnings(out, "Under the scenario: ", whatIf.after().warnings());
        whatIf.after().disks().forEach(d -> warnings(out, "Under the scenario: ", d.warnings()));
        out.println();
        int n = whatIf.changes().size();
        out.println(TerminalText.safe(n == 0 ? "No decision changes." : n + (n == 1 ? " decision changes." : " decisions change.")
                + " Today: " + summary(whatIf.before()) + " What if: " + summary(whatIf.after())));
    }

    /** {@code direct-storage-access: no SAN access to ds1 → network: ok (fallback)}. */
    static String chain(List<TransportStep> steps) {
        return steps.stream().map(PlanPrinter::step).collect(Collectors.joining(ARROW));
    }

    /** One line counting the decisions by outcome, e.g. {@code 5 disks: 4 assigned, 1 cannot be processed; 1 warning.} */
    static String summary(Plan plan) {
        List<DiskDecision> disks = plan.disks();
        long assigned = count(disks, DecisionStatus.ASSIGNED);
        long waiting = count(disks, DecisionStatus.WAITING_FOR_SLOT);
        long cannot = count(disks, DecisionStatus.CANNOT_PROCESS);
        long unserved = count(disks, DecisionStatus.PLATFORM_UNSERVED);
        long guestCannot = plan.vms().stream().filter(v -> v.guestInteraction().status()
                == DecisionStatus.CANNOT_PROCESS).count();
        long warnings = plan.warnings().size() + disks.stream().mapToLong(d -> d.warnings().size()).sum();
        StringBuilder s = new StringBuilder();
        s.append(plural(plan.vms().size(), "VM")).append(", ").append(plural(disks.size(), "disk")).append(": ");
        s.append(assigned).append(" assigned");
        if (waiting > 0) {
            s.append(", ").append(waiting).append(" waiting for a slot");
        }
        if (cannot > 0) {
            s.append(", ").append(cannot).append(" cannot be processed");
        }
        if (unserved > 0) {
            s.append(", ").append(unserved).append(" on unserved platforms");
        }
        if (guestCannot > 0) {
            s.append("; ").append(plural(guestCannot, "VM")).append(" without a guest interaction proxy");
        }
        s.append("; ").append(plural(warnings, "warning")).append('.');
        return s.toString();
    }

    private static void vm(PrintStream out, VmPlan vm, boolean explain) {
        out.println(TerminalText.safe("VM " + vm.vm() + " (" + EnumNames.display(vm.platform()) + ", host " + vm.host() + ")"));
        GuestInteractionDecision g = vm.guestInteraction();
        out.println(TerminalText.safe("Guest interaction proxy: " + guestChoice(g)));
        out.println(TerminalText.safe("  " + g.reason()));
        ShellTable disks = new ShellTable();
        disks.column("Disk");
        disks.column("Status");
        disks.column("Proxy");
        disks.column("Mode");
        disks.column("Wave").alignRight();
        text(disks, "Reason");
        disks.emptyTableText("The VM has no disks");
        for (DiskDecision d : vm.disks()) {
            disks.addRow().addContent(d.disk(), d.status().name(), Display.text(d.proxy()),
                    Display.text(d.transportMode()), scheduled(d) ? Integer.toString(d.wave()) : "", wrap(d.reason()));
        }
        TerminalText.print(disks, out);
        vm.disks().forEach(d -> warnings(out, "", d.warnings()));
        if (!explain) {
            return;
        }
        if (!g.candidates().isEmpty()) {
            out.println();
            out.println(TerminalText.safe("Guest interaction candidates of " + vm.vm() + ":"));
            candidates(out, g.candidates(), true);
        }
        for (DiskDecision d : vm.disks()) {
            out.println();
            out.println(TerminalText.safe("Disk " + d.disk() + ": " + d.status().name() + d.proxy().map(p -> " on " + p).orElse("")
                    + d.transportMode().map(m -> " via " + m).orElse("")));
            if (!d.negotiation().isEmpty()) {
                out.println(TerminalText.safe("  transport: " + chain(d.negotiation())));
            }
            if (d.candidates().isEmpty()) {
                out.println(TerminalText.safe("  no candidates: " + d.reason()));
            } else {
                candidates(out, d.candidates(), false);
            }
        }
    }

    private static boolean scheduled(DiskDecision d) {
        return d.status() == DecisionStatus.ASSIGNED || d.status() == DecisionStatus.WAITING_FOR_SLOT;
    }

    private static String guestChoice(GuestInteractionDecision g) {
        return switch (g.status()) {
            case ASSIGNED, WAITING_FOR_SLOT -> g.proxy().orElse("?") + " (" + g.status().name() + ")"
                    + g.failoverProxy().map(f -> ", failover " + f).orElse("");
            default -> g.status().name();
        };
    }

    /** One row per verdict; the candidate's name, eligibility and load on its first row. */
    private static void candidates(PrintStream out, List<Candidate> candidates, boolean withTier) {
        ShellTable table = new ShellTable();
        table.column("Candidate");
        table.column("Eligible");
        if (withTier) {
            table.column("Tier").alignRight();
        }
        table.column("Tasks").alignRight();
        table.column("Verdict");
        table.column("Rule");
        text(table, "Reason");
        table.column("Seed");
        for (Candidate c : candidates) {
            boolean first = true;
            List<RuleVerdict> verdicts = c.verdicts().isEmpty()
                    ? List.of(new RuleVerdict("-", c.eligible(), "no rule applies", "")) : c.verdicts();
            for (RuleVerdict v : verdicts) {
                List<Object> row = new ArrayList<>();
                row.add(first ? c.server() : "");
                row.add(first ? Display.yesNo(c.eligible()) : "");
                if (withTier) {
                    row.add(first ? Integer.toString(c.tier()) : "");
                }
                row.add(first ? c.runningTasks() + "/" + c.taskSlots() : "");
                row.add(v.passed() ? "PASS" : "FAIL");
                row.add(v.rule());
                row.add(wrap(v.reason()));
                row.add(v.seed());
                table.addRow().addContent(row);
                first = false;
            }
        }
        TerminalText.print(table, out);
    }

    private static void warnings(PrintStream out, String prefix, List<String> warnings) {
        warnings.forEach(w -> out.println(TerminalText.safe("WARNING: " + prefix + w)));
    }

    private static String step(TransportStep s) {
        if (!s.available()) {
            return s.mode() + ": " + s.reason();
        }
        return s.mode() + ": ok" + (s.fallback() ? " (fallback)" : "");
    }

    /** A column of long text; its values go through {@link #wrap(String)}. */
    static void text(ShellTable table, String header) {
        table.column(header).maxSize(TEXT_WIDTH).wrap();
    }

    /**
     * Breaks {@code text} into lines of at most {@code TEXT_WIDTH - 2} characters at spaces (a
     * longer word is split). Karaf's own wrapping of a {@link ShellTable} column drops the
     * last character of a line that fills the column, so cells are wrapped here and Karaf
     * only splits them at the line breaks.
     */
    static String wrap(String text) {
        int width = TEXT_WIDTH - 2;
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : text.strip().split("\\s+")) {
            while (word.length() > width) {
                if (lineLength > 0) {
                    out.append('\n');
                }
                out.append(word, 0, width).append('\n');
                word = word.substring(width);
                lineLength = 0;
            }
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n');
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.toString();
    }

    private static long count(List<DiskDecision> disks, io.ferry.api.selection.DecisionStatus status) {
        return disks.stream().filter(d -> d.status() == status).count();
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
