package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobJsonTest {

    static JobSpec webNightly() {
        return new JobSpec("web-nightly", Platform.VMWARE, List.of("web-01"), "px-win-01",
                ServerChoice.preferred(List.of("px-lin-01", "backup-01")),
                TransportChoice.fixed(TransportMode.VIRTUAL_APPLIANCE, false),
                new GuestProcessing(true, true, true, ServerChoice.preferred(List.of("rocky-01", "px-win-01"))), false,
                Schedule.parse("weekly mon,thu 21:30"), new RetentionPolicy(3, 14, 8, 12));
    }

    /**
     * The same job as the inventory bundle's JobContractTest.WEB_NIGHTLY_EXPORTED, which pins
     * the export file's layout, with the id and version listings add.
     */
    @Test
    void aJobHasTheShapeOfTheExportFilesJobsPlusIdAndVersion() {
        assertEquals("""
                [
                  {
                    "id" : "0190f5b6-1a2b-7000-8000-000000000001",
                    "version" : 3,
                    "name" : "web-nightly",
                    "platform" : "VMWARE",
                    "vms" : [
                      "web-01"
                    ],
                    "repository" : "px-win-01",
                    "proxies" : {
                      "automatic" : false,
                      "servers" : [
                        "px-lin-01",
                        "backup-01"
                      ]
                    },
                    "transportMode" : "VIRTUAL_APPLIANCE",
                    "failoverToNetwork" : false,
                    "guestProcessing" : {
                      "applicationAware" : true,
                      "indexing" : true,
                      "logProcessing" : true,
                      "guestProxies" : {
                        "automatic" : false,
                        "servers" : [
                          "rocky-01",
                          "px-win-01"
                        ]
                      }
                    },
                    "onHostFallback" : false,
                    "schedule" : "weekly mon,thu 21:30",
                    "retention" : {
                      "keepLast" : 3,
                      "keepDaily" : 14,
                      "keepWeekly" : 8,
                      "keepMonthly" : 12
                    }
                  }
                ]
                """, io.ferry.json.FerryJson.text(JsonOutput.jobs(List.of(new Job("0190f5b6-1a2b-7000-8000-000000000001", 3, webNightly())))));
    }

    @Test
    void automaticChoicesHaveNoServerListAndDefaultsAreWrittenOut() {
        String json = io.ferry.json.FerryJson.text(JsonOutput.jobs(List.of(new Job("j1", 1,
                JobSpec.of("sql-hourly", Platform.HYPERV, List.of("sql-01"), "repo-01")))));
        assertEquals("""
                [
                  {
                    "id" : "j1",
                    "version" : 1,
                    "name" : "sql-hourly",
                    "platform" : "HYPERV",
                    "vms" : [
                      "sql-01"
                    ],
                    "repository" : "repo-01",
                    "proxies" : {
                      "automatic" : true
                    },
                    "transportMode" : "AUTOMATIC",
                    "failoverToNetwork" : true,
                    "guestProcessing" : {
                      "applicationAware" : false,
                      "indexing" : false,
                      "logProcessing" : false,
                      "guestProxies" : {
                        "automatic" : true
                      }
                    },
                    "onHostFallback" : true,
                    "schedule" : "manual",
                    "retention" : {
                      "keepLast" : 7,
                      "keepDaily" : 0,
                      "keepWeekly" : 0,
                      "keepMonthly" : 0
                    }
                  }
                ]
                """, json);
    }

    @Test
    void noJobsIsAnEmptyArray() {
        assertEquals("[ ]\n", io.ferry.json.FerryJson.text(JsonOutput.jobs(List.of())));
    }
}
