package io.ferry.shell.internal;

import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.List;

/**
 * Jobs as JSON, in the shape of the {@code jobs} entries of the inventory export file
 * (docs/inventory-format.md) plus {@code id} and {@code version}, as the other listings
 * print them. The API has no JSON writer for jobs, so the shell renders them itself; the
 * field order here must follow the export's.
 */
final class JobJson {
    static final String AUTOMATIC = "AUTOMATIC";

    private JobJson() {
    }

    /** A JSON array of the jobs, ending with a line break. */
    static String array(List<Job> jobs) {
        JsonText json = new JsonText().beginArray();
        for (Job job : jobs) {
            write(json, job);
        }
        return json.endArray().text();
    }

    private static void write(JsonText json, Job job) {
        JobSpec spec = job.spec();
        json.beginObject()
                .field("id", job.id())
                .field("version", job.version())
                .field("name", spec.name())
                .field("platform", spec.platform().name());
        strings(json, "vms", spec.vms());
        json.field("repository", spec.repository());
        choice(json, "proxies", spec.proxies());
        json.field("transportMode", spec.transport().fixedMode().map(Enum::name).orElse(AUTOMATIC))
                .field("failoverToNetwork", spec.transport().failoverToNetwork());
        GuestProcessing gp = spec.guestProcessing();
        json.name("guestProcessing").beginObject()
                .field("applicationAware", gp.applicationAware())
                .field("indexing", gp.indexing())
                .field("logProcessing", gp.logProcessing());
        choice(json, "guestProxies", gp.guestProxies());
        RetentionPolicy retention = spec.retention();
        json.endObject()
                .field("onHostFallback", spec.onHostFallback())
                .field("schedule", spec.schedule().text())
                .name("retention").beginObject()
                .field("keepLast", retention.keepLast())
                .field("keepDaily", retention.keepDaily())
                .field("keepWeekly", retention.keepWeekly())
                .field("keepMonthly", retention.keepMonthly())
                .endObject()
                .endObject();
    }

    private static void choice(JsonText json, String name, ServerChoice choice) {
        json.name(name).beginObject().field("automatic", choice.automatic());
        if (!choice.servers().isEmpty()) {
            strings(json, "servers", choice.servers());
        }
        json.endObject();
    }

    private static void strings(JsonText json, String name, List<String> values) {
        json.name(name).beginArray();
        values.forEach(json::value);
        json.endArray();
    }
}
