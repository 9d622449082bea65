package io.ferry.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A job as a request body: the members {@code GET /jobs/{name}} answers (the jobs entries of the
 * inventory file format), with the file format's defaults for what is left out (automatic proxies
 * and transport with failover to network, no guest processing, no on-host fallback, schedule
 * {@code manual}, keep the last 7). {@code id} and {@code version} are ignored (the version goes in
 * If-Match); an unknown member is refused, naming it, so that a typo does not pass unseen. The job
 * service validates the rest (names, VMs, repository) as for ferry:job-create.
 */
final class JobBodies {
    private static final Set<String> KNOWN = Set.of("id", "version", "name", "platform", "vms", "repository", "proxies",
            "transportMode", "failoverToNetwork", "guestProcessing", "onHostFallback", "schedule", "retention");

    private JobBodies() {
    }

    static JobSpec spec(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new ValidationException(name, "is not a member of a job (" + String.join(", ", KNOWN.stream()
                        .sorted().toList()) + ")");
            }
        }
        String name = text(body, "name", null);
        Platform platform = enumValue(Platform.class, "platform", text(body, "platform", null));
        List<String> vms = strings(body.get("vms"), "vms");
        String repository = text(body, "repository", null);
        ServerChoice proxies = choice(body.get("proxies"), "proxies");
        String mode = text(body, "transportMode", "AUTOMATIC");
        boolean failover = bool(body, "failoverToNetwork", true);
        TransportChoice transport = mode.equalsIgnoreCase("AUTOMATIC") ? new TransportChoice(java.util.Optional.empty(),
                failover) : TransportChoice.fixed(enumValue(TransportMode.class, "transportMode", mode), failover);
        GuestProcessing guest = GuestProcessing.DISABLED;
        JsonNode gp = body.get("guestProcessing");
        if (gp != null && !gp.isNull()) {
            object(gp, "guestProcessing");
            guest = new GuestProcessing(bool(gp, "applicationAware", false, "guestProcessing."),
                    bool(gp, "indexing", false, "guestProcessing."), bool(gp, "logProcessing", false, "guestProcessing."),
                    choice(gp.get("guestProxies"), "guestProcessing.guestProxies"));
        }
        boolean onHost = bool(body, "onHostFallback", false);
        Schedule schedule = Schedule.parse(text(body, "schedule", "manual"));
        RetentionPolicy retention = JobSpec.DEFAULT_RETENTION;
        JsonNode r = body.get("retention");
        if (r != null && !r.isNull()) {
            object(r, "retention");
            retention = new RetentionPolicy(number(r, "keepLast"), number(r, "keepDaily"), number(r, "keepWeekly"),
                    number(r, "keepMonthly"));
        }
        return new JobSpec(name, platform, vms, repository, proxies, transport, guest, onHost, schedule, retention);
    }

    private static void object(JsonNode node, String field) {
        if (!node.isObject()) {
            throw new ValidationException(field, "must be an object");
        }
    }

    private static String text(JsonNode body, String field, String fallback) {
        return ApiRequest.text(body, field).or(() -> Optional.ofNullable(fallback))
                .orElseThrow(() -> new ValidationException(field, "is missing"));
    }

    private static boolean bool(JsonNode body, String field, boolean fallback) {
        return bool(body, field, fallback, "");
    }

    private static boolean bool(JsonNode body, String field, boolean fallback, String prefix) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new ValidationException(prefix + field, "must be true or false");
        }
        return v.asBoolean();
    }

    private static int number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ValidationException("retention." + field, "must be a whole number");
        }
        return v.asInt();
    }

    private static List<String> strings(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw new ValidationException(field, "is missing");
        }
        if (!node.isArray()) {
            throw new ValidationException(field, "must be an array of names");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw new ValidationException(field + "[" + i + "]", "must be a string");
            }
            out.add(node.get(i).asText());
        }
        return out;
    }

    private static ServerChoice choice(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return ServerChoice.AUTOMATIC;
        }
        object(node, field);
        boolean automatic = bool(node, "automatic", true, field + ".");
        JsonNode servers = node.get("servers");
        List<String> names = servers == null || servers.isNull() ? List.of() : strings(servers, field + ".servers");
        try {
            return new ServerChoice(automatic, names);
        } catch (ValidationException e) {
            throw e.under(field);
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String field, String value) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(field, "'" + value + "' is not one of " + java.util.Arrays.toString(
                    type.getEnumConstants()));
        }
    }
}
