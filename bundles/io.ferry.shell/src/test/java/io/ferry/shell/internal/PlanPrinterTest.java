package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.selection.VmPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlanPrinterTest {

    @Test
    void chainShowsWhyEachModeWasSkippedAndMarksTheFallback() {
        assertEquals("direct-storage-access: no SAN access to datastore ds1 \u2192 virtual-appliance: proxy in another"
                + " datacenter \u2192 network: ok (fallback)", PlanPrinter.chain(List.of(
                        TransportStep.unavailable("direct-storage-access", "no SAN access to datastore ds1"),
                        TransportStep.unavailable("virtual-appliance", "proxy in another datacenter"),
                        new TransportStep("network", true, "failover", true))));
        assertEquals("network: ok", PlanPrinter.chain(List.of(TransportStep.ok("network", "reads over NBD"))));
    }

    @Test
    void wrapBreaksAtSpacesWithinTheWidthAndSplitsOverlongWords() {
        String words = IntStream.range(0, 40).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        String wrapped = PlanPrinter.wrap(words);
        assertTrue(wrapped.lines().allMatch(l -> l.length() <= PlanPrinter.TEXT_WIDTH - 2), wrapped);
        assertEquals(words, wrapped.replace('\n', ' '));
        String long100 = "x".repeat(100);
        assertEquals("a\n" + "x".repeat(70) + "\n" + "x".repeat(30) + " b", PlanPrinter.wrap("a " + long100 + " b"));
        assertEquals("", PlanPrinter.wrap(""));
    }

    /** Karaf's own column wrapping drops the last character of a full line; no word may be lost. */
    @Test
    void longReasonsInTablesKeepEveryCharacter() {
        // 72 characters before a space: a full line for Karaf, which then cuts the "y" off the end
        String reason = "x".repeat(35) + " " + "y".repeat(35) + "z " + IntStream.range(0, 60).mapToObj(i -> "r" + i + "x")
                .collect(Collectors.joining(" "));
        DiskDecision disk = new DiskDecision("d0", DecisionStatus.CANNOT_PROCESS, Optional.empty(), Optional.empty(),
                reason, List.of(), List.of(), List.of(), 0);
        Plan plan = new Plan("vm", List.of(new VmPlan("vm", Platform.PROXMOX, "pve-01", new GuestInteractionDecision(
                DecisionStatus.NOT_REQUIRED, Optional.empty(), "no guest processing", List.of(), Optional.empty()),
                List.of(disk))), Set.of(), List.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PlanPrinter.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "Plan", plan, false);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("y".repeat(35) + "z"), out);
        for (int i = 0; i < 60; i++) {
            assertTrue(out.contains(" r" + i + "x ") || out.contains(" r" + i + "x\n"), "r" + i + "x lost:\n" + out);
        }
    }
}
