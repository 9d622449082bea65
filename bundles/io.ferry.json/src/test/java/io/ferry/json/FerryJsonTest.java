package io.ferry.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.api.inventory.Platform;
import io.ferry.api.selection.Plan;
import io.ferry.api.selection.Scenario;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FerryJsonTest {

    @Test
    void textIsLaidOutLikeTheExportFile() {
        ObjectNode o = FerryJson.mapper().createObjectNode().put("name", "px-01").put("version", 7).put("enabled", true);
        o.putArray("networks").add("10.0.1.0/24").add("10.0.2.0/24");
        o.putObject("facts");
        o.putArray("roles");
        o.putObject("role").put("type", "REPOSITORY");
        assertEquals("""
                {
                  "name" : "px-01",
                  "version" : 7,
                  "enabled" : true,
                  "networks" : [
                    "10.0.1.0/24",
                    "10.0.2.0/24"
                  ],
                  "facts" : { },
                  "roles" : [ ],
                  "role" : {
                    "type" : "REPOSITORY"
                  }
                }
                """, FerryJson.text(o));
        assertEquals("[ ]\n", FerryJson.text(List.of()));
    }

    @Test
    void stringsAreEscapedAndReadBackTheSame() throws Exception {
        String nasty = "CORP\\svc \"backup\"\n\t\r\b\f\u0001\u001f é/";
        String text = FerryJson.text(FerryJson.mapper().createObjectNode().put("a\"b", nasty));
        assertEquals("{\n  \"a\\\"b\" : \"CORP\\\\svc \\\"backup\\\"\\n\\t\\r\\b\\f\\u0001\\u001F é/\"\n}\n", text);
        assertEquals(nasty, FerryJson.mapper().readTree(text).path("a\"b").asText());
    }

    @Test
    void setsOfNamesAreSortedAndEmptyOptionalsLeftOut() {
        Plan plan = new Plan("job x", List.of(), Set.of(Platform.VMWARE, Platform.HYPERV, Platform.PROXMOX), List.of());
        assertEquals("[\"HYPERV\",\"PROXMOX\",\"VMWARE\"]", FerryJson.mapper().valueToTree(plan)
                .path("unservedPlatforms").toString());
        Scenario scenario = Scenario.parse("remove px-02; slots px-03=2; slots px-01=8; fail-transport nbd;"
                + " fail-transport hotadd");
        assertEquals("{\"removedServers\":[\"px-02\"],\"taskSlots\":{\"px-01\":8,\"px-03\":2},"
                + "\"failedTransportModes\":[\"network\",\"virtual-appliance\"]}", FerryJson.mapper().valueToTree(scenario).toString());
    }
}
