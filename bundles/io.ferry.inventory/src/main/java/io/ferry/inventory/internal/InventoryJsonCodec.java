package io.ferry.inventory.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Cidr;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.HostStorage;
import io.ferry.api.inventory.MachineKind;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.OffhostProxySettings;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.StorageKind;
import io.ferry.api.inventory.TransportMode;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.inventory.VmwareProxySettings;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.Schedule;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.repository.RetentionPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON form of inventory objects (documented in docs/inventory-format.md). Field order
 * is fixed and optional fields are left out when empty, so the same inventory always gives
 * the same bytes. {@code id} and {@code version} are written for listings only and ignored
 * on import. Jobs name their servers and VMs; the names are resolved when the file is checked.
 */
final class InventoryJsonCodec {
    static final String FORMAT = "ferry-inventory";
    static final int FORMAT_VERSION = 1;
    static final String AUTOMATIC = "AUTOMATIC";

    private static final Set<String> SERVER_FIELDS = Set.of("id", "version", "name", "address", "os", "machineKind",
            "networks", "site", "domain", "trustedDomains", "facts", "installedPackages", "maxConcurrentTasks",
            "enabled", "roles");
    private static final Set<String> ROLE_FIELDS = Set.of("type", "transportMode", "failoverToNetwork",
            "encryptNetworkTraffic", "evaluation");
    private static final Set<String> HOST_FIELDS = Set.of("id", "version", "name", "kind", "address", "parent",
            "platformVersion", "domain", "managedServer", "storage");
    private static final Set<String> STORAGE_FIELDS = Set.of("name", "kind", "deduplicated");
    private static final Set<String> VM_FIELDS = Set.of("id", "version", "name", "host", "guestOs", "networks",
            "disks", "credentials", "vhdSet");
    private static final Set<String> DISK_FIELDS = Set.of("label", "capacityBytes", "format", "location", "storage");
    private static final Set<String> CREDENTIAL_FIELDS = Set.of("user", "gmsa");
    private static final Set<String> JOB_FIELDS = Set.of("id", "version", "name", "platform", "vms", "repository",
            "proxies", "transportMode", "failoverToNetwork", "guestProcessing", "onHostFallback", "schedule",
            "retention");
    private static final Set<String> RETENTION_FIELDS = Set.of("keepLast", "keepDaily", "keepWeekly", "keepMonthly");
    private static final Set<String> CHOICE_FIELDS = Set.of("automatic", "servers");
    private static final Set<String> GUEST_PROCESSING_FIELDS = Set.of("applicationAware", "indexing", "logProcessing",
            "guestProxies");

    private InventoryJsonCodec() {
    }

    /** A server as read from a file: what is declared plus the roles. */
    record ServerEntry(ServerSpec spec, List<ServerRole> roles) {
    }

    // --- write -------------------------------------------------------------------------

    static void writeServer(JsonGenerator g, ManagedServer s, boolean identity) throws IOException {
        ServerSpec spec = s.spec();
        g.writeStartObject();
        if (identity) {
            g.writeStringField("id", s.id());
            g.writeNumberField("version", s.version());
        }
        g.writeStringField("name", spec.name());
        g.writeStringField("address", spec.address());
        g.writeStringField("os", spec.os().toString());
        g.writeStringField("machineKind", spec.machineKind().name());
        writeStrings(g, "networks", spec.networks().stream().map(Cidr::value).toList());
        writeOptional(g, "site", spec.site());
        writeOptional(g, "domain", spec.domain());
        writeStrings(g, "trustedDomains", spec.trustedDomains());
        if (!spec.facts().isEmpty()) {
            g.writeObjectFieldStart("facts");
            for (Map.Entry<String, String> f : spec.facts().entrySet()) {
                g.writeStringField(f.getKey(), f.getValue());
            }
            g.writeEndObject();
        }
        writeStrings(g, "installedPackages", spec.installedPackages());
        g.writeNumberField("maxConcurrentTasks", spec.maxConcurrentTasks());
        g.writeBooleanField("enabled", spec.enabled());
        g.writeArrayFieldStart("roles");
        for (ServerRole r : s.roles()) {
            g.writeStartObject();
            g.writeStringField("type", r.type().name());
            if (r.vmware().isPresent()) {
                VmwareProxySettings v = r.vmware().get();
                g.writeStringField("transportMode", v.fixedMode().map(Enum::name).orElse(AUTOMATIC));
                g.writeBooleanField("failoverToNetwork", v.failoverToNetwork());
                g.writeBooleanField("encryptNetworkTraffic", v.encryptNetworkTraffic());
            }
            if (r.offhost().isPresent()) {
                g.writeBooleanField("evaluation", r.offhost().get().evaluation());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static void writeHost(JsonGenerator g, PlatformHost h, boolean identity) throws IOException {
        HostSpec spec = h.spec();
        g.writeStartObject();
        if (identity) {
            g.writeStringField("id", h.id());
            g.writeNumberField("version", h.version());
        }
        g.writeStringField("name", spec.name());
        g.writeStringField("kind", spec.kind().name());
        g.writeStringField("address", spec.address());
        writeOptional(g, "parent", spec.parent());
        writeOptional(g, "platformVersion", spec.version());
        writeOptional(g, "domain", spec.domain());
        writeOptional(g, "managedServer", spec.managedServer());
        if (!spec.storage().isEmpty()) {
            g.writeArrayFieldStart("storage");
            for (HostStorage s : spec.storage()) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeStringField("kind", s.kind().name());
                g.writeBooleanField("deduplicated", s.deduplicated());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    static void writeVm(JsonGenerator g, VirtualMachine v, boolean identity) throws IOException {
        VmSpec spec = v.spec();
        g.writeStartObject();
        if (identity) {
            g.writeStringField("id", v.id());
            g.writeNumberField("version", v.version());
        }
        g.writeStringField("name", spec.name());
        g.writeStringField("host", spec.host());
        g.writeStringField("guestOs", spec.guestOs().toString());
        writeStrings(g, "networks", spec.networks().stream().map(Cidr::value).toList());
        g.writeArrayFieldStart("disks");
        for (VirtualDisk d : spec.disks()) {
            g.writeStartObject();
            g.writeStringField("label", d.label());
            g.writeNumberField("capacityBytes", d.capacityBytes());
            g.writeStringField("format", d.format().name());
            g.writeStringField("location", d.location());
            writeOptional(g, "storage", d.storage());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (spec.credentials().isPresent()) {
            g.writeObjectFieldStart("credentials");
            g.writeStringField("user", spec.credentials().get().user());
            g.writeBooleanField("gmsa", spec.credentials().get().gmsa());
            g.writeEndObject();
        }
        g.writeBooleanField("vhdSet", spec.vhdSet());
        g.writeEndObject();
    }

    static void writeJob(JsonGenerator g, Job job, boolean identity) throws IOException {
        JobSpec spec = job.spec();
        g.writeStartObject();
        if (identity) {
            g.writeStringField("id", job.id());
            g.writeNumberField("version", job.version());
        }
        g.writeStringField("name", spec.name());
        g.writeStringField("platform", spec.platform().name());
        writeStrings(g, "vms", spec.vms());
        g.writeStringField("repository", spec.repository());
        writeChoice(g, "proxies", spec.proxies());
        g.writeStringField("transportMode", spec.transport().fixedMode().map(Enum::name).orElse(AUTOMATIC));
        g.writeBooleanField("failoverToNetwork", spec.transport().failoverToNetwork());
        GuestProcessing gp = spec.guestProcessing();
        g.writeObjectFieldStart("guestProcessing");
        g.writeBooleanField("applicationAware", gp.applicationAware());
        g.writeBooleanField("indexing", gp.indexing());
        g.writeBooleanField("logProcessing", gp.logProcessing());
        writeChoice(g, "guestProxies", gp.guestProxies());
        g.writeEndObject();
        g.writeBooleanField("onHostFallback", spec.onHostFallback());
        g.writeStringField("schedule", spec.schedule().text());
        RetentionPolicy retention = spec.retention();
        g.writeObjectFieldStart("retention");
        g.writeNumberField("keepLast", retention.keepLast());
        g.writeNumberField("keepDaily", retention.keepDaily());
        g.writeNumberField("keepWeekly", retention.keepWeekly());
        g.writeNumberField("keepMonthly", retention.keepMonthly());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeChoice(JsonGenerator g, String name, ServerChoice choice) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeBooleanField("automatic", choice.automatic());
        writeStrings(g, "servers", choice.servers());
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String name, Collection<String> values) throws IOException {
        if (values.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void writeOptional(JsonGenerator g, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(name, value.get());
        }
    }

    // --- read --------------------------------------------------------------------------

    static ServerEntry readServer(JsonNode n) {
        ServerEntry stated = readStatedServer(n);
        List<ServerRole> roles = stated.roles();
        List<ServerRole> withGuestInteraction = new ArrayList<>(roles);
        if (roles.stream().noneMatch(r -> r.type() == RoleType.GUEST_INTERACTION)) {
            // Seed 001: every managed server gets the guest interaction role when it is added.
            withGuestInteraction.add(ServerRole.of(RoleType.GUEST_INTERACTION));
        }
        n.build(() -> new ManagedServer("import", 1, stated.spec(), withGuestInteraction));
        return new ServerEntry(stated.spec(), withGuestInteraction);
    }

    /** A server with the roles exactly as the object lists them (a REST body: the service adds guest interaction). */
    static ServerEntry readStatedServer(JsonNode n) {
        n.allowOnly(SERVER_FIELDS);
        String name = n.text("name");
        ServerSpec spec = n.build(() -> new ServerSpec(name, n.text("address"), n.converted("os", OsInfo::parse),
                n.enumValue("machineKind", MachineKind.class), n.textList("networks", Cidr::of),
                n.optionalText("site"), n.optionalText("domain"), new TreeSet<>(n.textList("trustedDomains", s -> s)),
                n.stringMap("facts"), new TreeSet<>(n.textList("installedPackages", s -> s)),
                n.integer("maxConcurrentTasks", ServerSpec.DEFAULT_TASK_SLOTS), n.bool("enabled", true)));
        List<ServerRole> roles = new ArrayList<>();
        for (JsonNode r : n.objects("roles")) {
            roles.add(readRole(r));
        }
        n.build(() -> new ManagedServer("import", 1, spec, roles));
        return new ServerEntry(spec, roles);
    }

    static ServerRole readRole(JsonNode r) {
        r.allowOnly(ROLE_FIELDS);
        RoleType type = r.enumValue("type", RoleType.class);
        return r.build(() -> switch (type) {
            case VMWARE_PROXY -> ServerRole.vmwareProxy(new VmwareProxySettings(transportMode(r),
                    r.bool("failoverToNetwork", true), r.bool("encryptNetworkTraffic", false)));
            case HYPERV_OFFHOST_PROXY -> ServerRole.offhostProxy(new OffhostProxySettings(r.bool("evaluation", false)));
            default -> {
                for (String setting : List.of("transportMode", "failoverToNetwork", "encryptNetworkTraffic", "evaluation")) {
                    if (r.has(setting)) {
                        throw new ValidationException(setting, "role " + type + " has no setting '" + setting + "'");
                    }
                }
                yield ServerRole.of(type);
            }
        });
    }

    private static Optional<TransportMode> transportMode(JsonNode r) {
        String mode = r.optionalText("transportMode").orElse(AUTOMATIC);
        if (mode.equalsIgnoreCase(AUTOMATIC)) {
            return Optional.empty();
        }
        return Optional.of(r.enumValue("transportMode", TransportMode.class));
    }

    static HostSpec readHost(JsonNode n) {
        n.allowOnly(HOST_FIELDS);
        List<HostStorage> storage = new ArrayList<>();
        for (JsonNode s : n.objects("storage")) {
            s.allowOnly(STORAGE_FIELDS);
            storage.add(s.build(() -> new HostStorage(s.text("name"), s.enumValue("kind", StorageKind.class),
                    s.bool("deduplicated", false))));
        }
        return n.build(() -> new HostSpec(n.text("name"), n.enumValue("kind", HostKind.class), n.text("address"),
                n.optionalText("parent"), n.optionalText("platformVersion"), n.optionalText("domain"),
                n.optionalText("managedServer"), storage));
    }

    static VmSpec readVm(JsonNode n) {
        n.allowOnly(VM_FIELDS);
        List<VirtualDisk> disks = new ArrayList<>();
        for (JsonNode d : n.objects("disks")) {
            d.allowOnly(DISK_FIELDS);
            disks.add(d.build(() -> new VirtualDisk(d.text("label"), d.number("capacityBytes"),
                    d.enumValue("format", DiskFormat.class), d.text("location"), d.optionalText("storage"))));
        }
        Optional<GuestCredentials> credentials = n.optionalObject("credentials").map(c -> {
            c.allowOnly(CREDENTIAL_FIELDS);
            return c.build(() -> new GuestCredentials(c.text("user"), c.bool("gmsa", false)));
        });
        return n.build(() -> new VmSpec(n.text("name"), n.text("host"), n.converted("guestOs", OsInfo::parse),
                n.textList("networks", Cidr::of), disks, credentials, n.bool("vhdSet", false)));
    }

    /**
     * A job as the file states it; references are checked later, against the whole file.
     * Defaults: automatic proxies and transport mode with failover, no guest processing,
     * on-host fallback for Hyper-V jobs, run manually, keep the last 7 backups of each disk.
     */
    static JobSpec readJob(JsonNode n) {
        n.allowOnly(JOB_FIELDS);
        Platform platform = n.enumValue("platform", Platform.class);
        ServerChoice proxies = n.optionalObject("proxies").map(InventoryJsonCodec::readChoice)
                .orElse(ServerChoice.AUTOMATIC);
        String mode = n.optionalText("transportMode").orElse(AUTOMATIC);
        Optional<TransportMode> fixed = mode.equalsIgnoreCase(AUTOMATIC) ? Optional.empty()
                : Optional.of(n.enumValue("transportMode", TransportMode.class));
        boolean failover = n.bool("failoverToNetwork", true);
        TransportChoice transport = n.build(() -> {
            try {
                return new TransportChoice(fixed, failover);
            } catch (ValidationException e) {
                throw new ValidationException("transportMode", e.problem());
            }
        });
        GuestProcessing guestProcessing = n.optionalObject("guestProcessing").map(gp -> {
            gp.allowOnly(GUEST_PROCESSING_FIELDS);
            ServerChoice guestProxies = gp.optionalObject("guestProxies").map(InventoryJsonCodec::readChoice)
                    .orElse(ServerChoice.AUTOMATIC);
            return gp.build(() -> new GuestProcessing(gp.bool("applicationAware", false), gp.bool("indexing", false),
                    gp.bool("logProcessing", false), guestProxies));
        }).orElse(GuestProcessing.DISABLED);
        Schedule schedule = n.has("schedule") ? n.converted("schedule", Schedule::parse) : Schedule.MANUAL;
        RetentionPolicy retention = n.optionalObject("retention").map(InventoryJsonCodec::readRetention)
                .orElse(JobSpec.DEFAULT_RETENTION);
        return n.build(() -> {
            try {
                return new JobSpec(n.text("name"), platform, n.textList("vms", v -> v), n.text("repository"), proxies,
                        transport, guestProcessing, n.bool("onHostFallback", platform == Platform.HYPERV), schedule,
                        retention);
            } catch (ValidationException e) {
                // the record calls the transport choice "transport"; the file has "transportMode"
                throw e.field().equals("transport") ? new ValidationException("transportMode", e.problem()) : e;
            }
        });
    }

    /** Each field defaults as in a job without retention: keep the last 7, nothing daily, weekly or monthly. */
    private static RetentionPolicy readRetention(JsonNode r) {
        r.allowOnly(RETENTION_FIELDS);
        RetentionPolicy defaults = JobSpec.DEFAULT_RETENTION;
        int last = r.integer("keepLast", defaults.keepLast());
        int daily = r.integer("keepDaily", defaults.keepDaily());
        int weekly = r.integer("keepWeekly", defaults.keepWeekly());
        int monthly = r.integer("keepMonthly", defaults.keepMonthly());
        return r.build(() -> {
            try {
                return new RetentionPolicy(last, daily, weekly, monthly);
            } catch (ValidationException e) {
                // "retention: keeps nothing" concerns this object as a whole
                throw e.field().equals("retention") ? new ValidationException("", e.problem()) : e;
            }
        });
    }

    /** {@code {"automatic": true}} or {@code {"automatic": false, "servers": [...]}}; automatic unless servers are listed. */
    private static ServerChoice readChoice(JsonNode c) {
        c.allowOnly(CHOICE_FIELDS);
        List<String> servers = c.textList("servers", v -> v);
        boolean automatic = c.bool("automatic", servers.isEmpty());
        return c.build(() -> new ServerChoice(automatic, servers));
    }
}
