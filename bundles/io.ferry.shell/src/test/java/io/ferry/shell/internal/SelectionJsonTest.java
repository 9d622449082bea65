package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import io.ferry.api.selection.DecisionStatus;
import io.ferry.api.selection.DiskDecision;
import io.ferry.api.selection.GuestInteractionDecision;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.PlanChange;
import io.ferry.api.selection.PluginInfo;
import io.ferry.api.selection.PluginState;
import io.ferry.api.selection.ReadinessReport;
import io.ferry.api.selection.Scenario;
import io.ferry.api.selection.TransportStep;
import io.ferry.api.selection.VmPlan;
import io.ferry.api.selection.WhatIf;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The selection records as --json prints them (io.ferry.json, as GET /api/v1/jobs/{name}/plan answers). */

class SelectionJsonTest {

    private static String text(Object value) {
        return io.ferry.json.FerryJson.text(value);
    }

    @Test
    void planHasTheShapeOfTheRecordsAndLeavesEmptyOptionalsOut() {
        DiskDecision disk = new DiskDecision("scsi0:0", DecisionStatus.ASSIGNED, Optional.of("px-01"),
                Optional.of("network"), "px-01 via network", List.of(new TransportStep("network", true, "ok", true)),
                List.of(), List.of("falls back"), 0);
        GuestInteractionDecision guest = new GuestInteractionDecision(DecisionStatus.NOT_REQUIRED, Optional.empty(),
                "no guest processing", List.of(), Optional.empty());
        Plan plan = new Plan("app-01", List.of(new VmPlan("app-01", Platform.VMWARE, "esx-01", guest, List.of(disk))),
                Set.of(Platform.PROXMOX, Platform.HYPERV), List.of());
        assertEquals("""
                {
                  "subject" : "app-01",
                  "vms" : [
                    {
                      "vm" : "app-01",
                      "platform" : "VMWARE",
                      "host" : "esx-01",
                      "guestInteraction" : {
                        "status" : "NOT_REQUIRED",
                        "reason" : "no guest processing",
                        "candidates" : [ ]
                      },
                      "disks" : [
                        {
                          "disk" : "scsi0:0",
                          "status" : "ASSIGNED",
                          "proxy" : "px-01",
                          "transportMode" : "network",
                          "reason" : "px-01 via network",
                          "negotiation" : [
                            {
                              "mode" : "network",
                              "available" : true,
                              "reason" : "ok",
                              "fallback" : true
                            }
                          ],
                          "candidates" : [ ],
                          "warnings" : [
                            "falls back"
                          ],
                          "wave" : 0
                        }
                      ]
                    }
                  ],
                  "unservedPlatforms" : [
                    "HYPERV",
                    "PROXMOX"
                  ],
                  "warnings" : [ ]
                }
                """, text(JsonOutput.VIEWS.record(plan)));
    }

    @Test
    void candidatesCarryEveryVerdictWithItsSeed() {
        String json = text(JsonOutput.VIEWS.record(FakeSelection.app01()));
        assertTrue(json.contains("\"rule\" : \"acme-proxy-has-array-access\",\n"), json);
        assertTrue(json.contains("\"seed\" : \"003_4fc908c7710b8ec3.txt\""), json);
        assertTrue(json.contains("\"failoverProxy\" : \"bkp-01\""), json);
        assertTrue(json.contains("\"wave\" : 1"), json);
    }

    @Test
    void whatIfListsScenarioChangesAndBothPlans() {
        Plan plan = FakeSelection.app01();
        String json = text(JsonOutput.VIEWS.record(new WhatIf(Scenario.parse("remove px-02; slots px-01=8; fail-transport hotadd"),
                plan, plan, List.of(new PlanChange("app-01", "scsi0:1", "px-02 via network", "px-01 via network")))));
        assertTrue(json.startsWith("""
                {
                  "scenario" : {
                    "removedServers" : [
                      "px-02"
                    ],
                    "taskSlots" : {
                      "px-01" : 8
                    },
                    "failedTransportModes" : [
                      "virtual-appliance"
                    ]
                  },
                  "changes" : [
                    {
                      "vm" : "app-01",
                      "item" : "scsi0:1",
                      "before" : "px-02 via network",
                      "after" : "px-01 via network"
                    }
                  ],
                  "before" : {
                """), json);
        assertTrue(json.contains("\"after\" : {\n    \"subject\" : \"app-01\""), json);
    }

    @Test
    void readinessReportsSayWhetherTheServerIsReadyAndOmitEmptyFixes() {
        String json = text(JsonOutput.VIEWS.record(List.of(new ReadinessReport("px-01", RoleType.VMWARE_PROXY, List.of(
                CheckResult.ok("os", "linux", ""), CheckResult.fail("acme", "no access", "zone it", ""))))));
        assertTrue(json.contains("\"role\" : \"VMWARE_PROXY\",\n    \"ready\" : false"), json);
        assertTrue(json.contains("\"fix\" : \"zone it\""), json);
        assertEquals(1, json.split("\"fix\"").length - 1, json);
        assertFalse(json.contains("\"seed\""), json);
        assertTrue(json.contains("\"ok\" : false,\n        \"severity\" : \"ERROR\""), json);
    }

    @Test
    void pluginsListBundleStateSpiPlatformContributionsAndWhyARefusedOneDoesNotRun() {
        String json = text(JsonOutput.VIEWS.plugins(List.of(new PluginInfo("io.ferry.example.acme/0.1.0", "[1.0,2)",
                Optional.empty(), List.of("rule:acme-proxy-has-array-access")), new PluginInfo(
                "io.ferry.example.future/0.1.0", "[2.0,3)", Optional.empty(), List.of(), PluginState.REFUSED,
                "needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1"))));
        assertEquals("""
                [
                  {
                    "bundle" : "io.ferry.example.acme/0.1.0",
                    "state" : "ACTIVE",
                    "spiVersion" : "[1.0,2)",
                    "contributions" : [
                      "rule:acme-proxy-has-array-access"
                    ]
                  },
                  {
                    "bundle" : "io.ferry.example.future/0.1.0",
                    "state" : "REFUSED",
                    "spiVersion" : "[2.0,3)",
                    "contributions" : [ ],
                    "reason" : "needs io.ferry.api.spi [2.0,3); this Ferry provides 1.1"
                  }
                ]
                """, json);
    }
}
