package io.ferry.inventory.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.InventoryTransfer.ServerEntry;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobSpec;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathPolicy;
import io.ferry.api.security.FerryRole;
import io.ferry.api.spi.JobValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON export and import of the whole inventory. Export streams VMs page by page inside
 * one read transaction. Import reads the file in passes: servers and hosts first, then
 * every VM, checking everything the shell checks (the inventory rules, the column sizes, the
 * job rules and the installed plugins' {@link JobValidator}s); only a file without any problem
 * is written, in a single transaction that replaces the inventory. Every pass takes a SHA-256
 * digest of the bytes it read, and the write is rolled back unless all digests are equal, so
 * what is written is exactly what was validated even if the file changes meanwhile.
 */
@Component(service = InventoryTransfer.class)
public final class JsonInventoryTransfer implements InventoryTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(JsonInventoryTransfer.class);
    private static final int VM_PAGE = 1000;
    private static final Set<String> TOP_FIELDS = Set.of("format", "formatVersion", "servers", "hosts", "vms",
            "jobs");

    private final InventoryDatabase db;
    private final List<JobValidator> validators = new CopyOnWriteArrayList<>();
    private final Optional<PathPolicy> policy;
    private final Audit audit;
    private final JsonFactory json = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // the import closes its own stream, after reading it to the end for the digest
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    /** Without OSGi (tests, tools): no confinement of import files; audits to the same database. */
    public JsonInventoryTransfer(InventoryDatabase db) {
        this(db, new JdbcAuditLog(db), Optional.empty());
    }

    /** Import files are checked against {@code transfer.roots} of the path policy. */
    @Activate
    public JsonInventoryTransfer(@Reference(name = "db") InventoryDatabase db,
            @Reference(name = "auditLog") AuditLog auditLog, @Reference(name = "PathPolicy") PathPolicy policy) {
        this(db, auditLog, Optional.of(policy));
    }

    private JsonInventoryTransfer(InventoryDatabase db, AuditLog auditLog, Optional<PathPolicy> policy) {
        this.db = Objects.requireNonNull(db, "db");
        this.audit = Audit.to(auditLog);
        this.policy = policy;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeValidator")
    void addValidator(JobValidator validator) {
        validators.add(validator);
    }

    void removeValidator(JobValidator validator) {
        validators.remove(validator);
    }

    // --- export --------------------------------------------------------------------------

    @Override
    public void exportTo(OutputStream out) {
        audit.change(FerryRole.ADMIN, "inventory-export", "", () -> doExportTo(out));
    }

    private void doExportTo(OutputStream out) {
        Objects.requireNonNull(out, "out");
        db.read(c -> {
            try (JsonGenerator g = generator(out)) {
                g.writeStartObject();
                g.writeStringField("format", InventoryJsonCodec.FORMAT);
                g.writeNumberField("formatVersion", InventoryJsonCodec.FORMAT_VERSION);
                g.writeArrayFieldStart("servers");
                for (ManagedServer s : InventoryStore.servers(c, Optional.empty())) {
                    InventoryJsonCodec.writeServer(g, s, false);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("hosts");
                for (PlatformHost h : InventoryStore.hosts(c, Optional.empty())) {
                    InventoryJsonCodec.writeHost(g, h, false);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("vms");
                String after = "";
                List<VirtualMachine> page;
                do {
                    page = InventoryStore.vmsAfter(c, after, VM_PAGE);
                    for (VirtualMachine v : page) {
                        InventoryJsonCodec.writeVm(g, v, false);
                    }
                    if (!page.isEmpty()) {
                        after = InventoryStore.key(page.get(page.size() - 1).name());
                    }
                } while (page.size() == VM_PAGE);
                g.writeEndArray();
                writeJobs(g, InventoryStore.jobs(c, Optional.empty()));
                g.writeEndObject();
                g.writeRaw('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the inventory export: " + e.getMessage(), e);
            }
            return null;
        });
    }

    /** Jobs are optional in format version 1: left out when there are none, as files before jobs had them. */
    private static void writeJobs(JsonGenerator g, List<Job> jobs) throws IOException {
        if (jobs.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("jobs");
        for (Job job : jobs) {
            InventoryJsonCodec.writeJob(g, job, false);
        }
        g.writeEndArray();
    }

    @Override
    public void writeServers(List<ManagedServer> servers, OutputStream out) {
        audit.read(FerryRole.VIEWER, "server-list");
        writeArray(servers, out, InventoryJsonCodec::writeServer);
    }

    @Override
    public void writeHosts(List<PlatformHost> hosts, OutputStream out) {
        audit.read(FerryRole.VIEWER, "host-list");
        writeArray(hosts, out, InventoryJsonCodec::writeHost);
    }

    @Override
    public void writeVms(List<VirtualMachine> vms, OutputStream out) {
        audit.read(FerryRole.VIEWER, "vm-list");
        writeArray(vms, out, InventoryJsonCodec::writeVm);
    }

    @FunctionalInterface
    private interface ItemWriter<T> {
        void write(JsonGenerator g, T item, boolean identity) throws IOException;
    }

    private <T> void writeArray(List<T> items, OutputStream out, ItemWriter<T> writer) {
        try (JsonGenerator g = generator(out)) {
            g.writeStartArray();
            for (T item : items) {
                writer.write(g, item, true);
            }
            g.writeEndArray();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
                .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
                .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        g.setPrettyPrinter(pretty);
        return g;
    }

    // --- single objects (REST request bodies) ---------------------------------------------

    @Override
    public ServerEntry readServer(InputStream in) {
        return readOne(in, n -> {
            InventoryJsonCodec.ServerEntry e = InventoryJsonCodec.readStatedServer(n);
            return new ServerEntry(e.spec(), e.roles());
        });
    }

    @Override
    public ServerRole readRole(InputStream in) {
        return readOne(in, InventoryJsonCodec::readRole);
    }

    @Override
    public HostSpec readHost(InputStream in) {
        return readOne(in, InventoryJsonCodec::readHost);
    }

    @Override
    public VmSpec readVm(InputStream in) {
        return readOne(in, InventoryJsonCodec::readVm);
    }

    /**
     * One JSON object, read as an element of the export file is, its fields named from the
     * object itself ({@code roles[0].type}); nothing may follow it.
     */
    <T> T readOne(InputStream in, java.util.function.Function<JsonNode, T> reader) {
        Objects.requireNonNull(in, "json");
        try (JsonParser p = json.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ValidationException("", "expected a JSON object");
            }
            JsonNode node = JsonNode.readObject(p, "");
            if (p.nextToken() != null) {
                throw new ValidationException("", "unexpected content after the object at line "
                        + p.currentLocation().getLineNr());
            }
            return reader.apply(node);
        } catch (JsonParseException e) {
            throw new ValidationException("", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the JSON object: " + e.getMessage(), e);
        }
    }

    // --- import --------------------------------------------------------------------------

    @Override
    public ImportReport importFrom(Path given, boolean validateOnly) {
        Objects.requireNonNull(given, "file");
        return audit.change(FerryRole.ADMIN, "inventory-import", given + (validateOnly ? " (validate only)" : ""),
                () -> doImportFrom(policy.map(p -> p.require(PathArea.TRANSFER_FILES, given)).orElse(given),
                        validateOnly));
    }

    private ImportReport doImportFrom(Path file, boolean validateOnly) {
        if (!Files.isRegularFile(file)) {
            throw new ValidationException("file", "'" + file + "' is not a readable file");
        }
        ImportPlan plan = new ImportPlan(List.copyOf(validators));
        byte[] digest = readServersAndHosts(file, plan);
        plan.checkServersAndHosts();
        int[] disks = {0};
        sameBytes(digest, forEachVm(file, (vm, path) -> {
            plan.checkVm(vm, path);
            disks[0] += vm.disks().size();
        }));
        plan.checkJobs();
        if (validateOnly) {
            return new ImportReport(plan.servers.size(), plan.hosts.size(), plan.vmNames.size(), disks[0],
                    plan.jobs.size(), false);
        }
        db.inTransaction(c -> {
            // enrolled agents stay with their servers (by name); an agent whose server the file drops goes
            List<InventoryStore.AgentRow> agents = InventoryStore.takeAgents(c);
            InventoryStore.deleteAll(c);
            Map<String, String> hostIds = plan.writeServersAndHosts(c);
            List<String> dropped = InventoryStore.restoreAgents(c, agents);
            if (!dropped.isEmpty()) {
                LOG.warn("The imported inventory has no server {}: their agents were removed (enroll them again"
                        + " after adding the servers back)", dropped);
            }
            try (InventoryStore.VmWriter w = new InventoryStore.VmWriter(c)) {
                sameBytes(digest, forEachVm(file, (vm, path) -> {
                    try {
                        String id = OrderedIds.next();
                        w.add(id, 1, vm, hostIds.get(InventoryStore.key(vm.host())));
                        plan.vmWritten(vm, id);
                    } catch (SQLException e) {
                        throw InventoryDatabase.translate(e);
                    }
                }));
            }
            plan.writeJobs(c);
            return null;
        });
        LOG.info("Imported inventory from {}: {} servers, {} hosts, {} VMs, {} disks, {} jobs", file,
                plan.servers.size(), plan.hosts.size(), plan.vmNames.size(), disks[0], plan.jobs.size());
        return new ImportReport(plan.servers.size(), plan.hosts.size(), plan.vmNames.size(), disks[0],
                plan.jobs.size(), true);
    }

    /** Refuses (rolling back a write in progress) when a pass read other bytes than the first. */
    private static void sameBytes(byte[] first, byte[] again) {
        if (!MessageDigest.isEqual(first, again)) {
            throw new ConflictException("The import file changed while it was being read; nothing was changed."
                    + " Import a file nothing else writes to (copy it first)");
        }
    }

    /** Pass 1: the header, the servers, the hosts and the jobs (VMs are skipped); returns the file's digest. */
    private byte[] readServersAndHosts(Path file, ImportPlan plan) {
        byte[] digest = parse(file, (p, field) -> {
            switch (field) {
                case "format" -> {
                    String format = p.getValueAsString();
                    if (!InventoryJsonCodec.FORMAT.equals(format)) {
                        throw new ValidationException("format", "is '" + format + "'; expected '"
                                + InventoryJsonCodec.FORMAT + "' (a file written by ferry:inventory-export)");
                    }
                    plan.formatSeen = true;
                }
                case "formatVersion" -> {
                    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                            || p.getIntValue() != InventoryJsonCodec.FORMAT_VERSION) {
                        throw new ValidationException("formatVersion", "is " + p.getText() + "; this Ferry reads"
                                + " version " + InventoryJsonCodec.FORMAT_VERSION);
                    }
                    plan.versionSeen = true;
                }
                case "servers" -> forEachElement(p, "servers",
                        (n) -> plan.addServer(InventoryJsonCodec.readServer(n), n.path()));
                case "hosts" -> forEachElement(p, "hosts", (n) -> plan.addHost(InventoryJsonCodec.readHost(n), n.path()));
                case "vms" -> p.skipChildren();
                case "jobs" -> forEachElement(p, "jobs", (n) -> plan.addJob(InventoryJsonCodec.readJob(n), n.path()));
                default -> throw new ValidationException(field, "unknown field; expected one of " + TOP_FIELDS);
            }
        });
        if (!plan.formatSeen || !plan.versionSeen) {
            throw new ValidationException(plan.formatSeen ? "formatVersion" : "format", "is required");
        }
        return digest;
    }

    @FunctionalInterface
    private interface VmHandler {
        void accept(VmSpec vm, String path);
    }

    /** Later passes: every VM, one at a time; returns the digest of the bytes read. */
    private byte[] forEachVm(Path file, VmHandler handler) {
        return parse(file, (p, field) -> {
            if (field.equals("vms")) {
                forEachElement(p, "vms", n -> handler.accept(InventoryJsonCodec.readVm(n), n.path()));
            } else {
                p.skipChildren();
            }
        });
    }

    @FunctionalInterface
    private interface FieldHandler {
        void field(JsonParser p, String name) throws IOException;
    }

    @FunctionalInterface
    private interface ElementHandler {
        void element(JsonNode node) throws IOException;
    }

    /** Parses the whole file; returns the SHA-256 digest of all its bytes. */
    private byte[] parse(Path file, FieldHandler handler) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256);
                JsonParser p = json.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ValidationException("", "the file does not hold a JSON object; expected an inventory"
                        + " written by ferry:inventory-export");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                handler.field(p, name);
            }
            if (p.nextToken() != null) {
                throw new ValidationException("", "unexpected content after the inventory object at line "
                        + p.currentLocation().getLineNr());
            }
            in.transferTo(OutputStream.nullOutputStream()); // the parser stopped at the end; digest every byte
            return sha256.digest();
        } catch (JsonParseException e) {
            throw new ValidationException("", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (NoSuchFileException e) {
            throw new ValidationException("file", "'" + file + "' does not exist");
        } catch (IOException e) {
            throw new FerryException("Cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    private static void forEachElement(JsonParser p, String field, ElementHandler handler) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new ValidationException(field, "must be an array");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String path = field + "[" + i++ + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new ValidationException(path, "must be an object");
            }
            handler.element(JsonNode.readObject(p, path));
        }
    }

    /**
     * What the file holds, checked: servers, hosts and jobs in full (few), VMs by name only
     * (many), except the VMs jobs name. Implements the rule contexts from this content alone,
     * since the import replaces the inventory. Jobs are checked against the inventory rules of
     * jobs ({@link JobRules}) and by the plugins' job validators, as ferry:job-create checks them;
     * the validators see the file's content as the inventory (all of it: when a validator applies
     * to a job of the file, every VM is kept).
     */
    private static final class ImportPlan implements RuleContext {
        final List<JobValidator> validators;
        /** Every VM of the file, kept only when a validator will need the whole inventory. */
        List<VmSpec> allVms;
        final Map<String, InventoryJsonCodec.ServerEntry> servers = new java.util.LinkedHashMap<>();
        final Map<String, String> serverPaths = new HashMap<>();
        final Map<String, HostSpec> hosts = new java.util.LinkedHashMap<>();
        final Map<String, String> hostPaths = new HashMap<>();
        final Set<String> vmNames = new HashSet<>();
        final List<JobSpec> jobs = new ArrayList<>();
        final Map<String, String> jobPaths = new HashMap<>();
        /** Lower-case names of the VMs the jobs name; only these are remembered beyond their name. */
        final Set<String> jobVmKeys = new HashSet<>();
        final Map<String, JobRules.VmRef> jobVms = new HashMap<>();
        final List<JobRules.Resolved> resolvedJobs = new ArrayList<>();
        final Map<String, String> serverIds = new HashMap<>();
        final Map<String, String> vmIds = new HashMap<>();
        boolean formatSeen;
        boolean versionSeen;

        ImportPlan(List<JobValidator> validators) {
            this.validators = validators;
        }

        void addServer(InventoryJsonCodec.ServerEntry s, String path) {
            String key = InventoryStore.key(s.spec().name());
            if (servers.putIfAbsent(key, s) != null) {
                throw new ValidationException(path + ".name", "'" + s.spec().name() + "' is used by "
                        + serverPaths.get(key) + " already (names are unique, ignoring case)");
            }
            serverPaths.put(key, path);
        }

        void addHost(HostSpec h, String path) {
            String key = InventoryStore.key(h.name());
            if (hosts.putIfAbsent(key, h) != null) {
                throw new ValidationException(path + ".name", "'" + h.name() + "' is used by " + hostPaths.get(key)
                        + " already (names are unique, ignoring case)");
            }
            hostPaths.put(key, path);
        }

        void addJob(JobSpec job, String path) {
            String key = InventoryStore.key(job.name());
            if (jobPaths.putIfAbsent(key, path) != null) {
                throw new ValidationException(path + ".name", "'" + job.name() + "' is used by " + jobPaths.get(key)
                        + " already (names are unique, ignoring case)");
            }
            jobs.add(job);
            job.vms().forEach(vm -> jobVmKeys.add(InventoryStore.key(vm)));
        }

        void checkServersAndHosts() {
            if (jobs.stream().anyMatch(j -> JdbcJobService.anyFor(validators, j.platform()))) {
                allVms = new ArrayList<>();
            }
            List<String> backupServers = new ArrayList<>();
            for (Map.Entry<String, InventoryJsonCodec.ServerEntry> e : servers.entrySet()) {
                InventoryJsonCodec.ServerEntry s = e.getValue();
                at(serverPaths.get(e.getKey()), () -> InventoryRules.checkServer(s.spec(), s.roles(), this));
                if (s.roles().stream().anyMatch(r -> r.type() == RoleType.BACKUP_SERVER)) {
                    backupServers.add(s.spec().name());
                }
            }
            InventoryRules.checkExactlyOneBackupServer(backupServers, "servers");
            for (Map.Entry<String, HostSpec> e : hosts.entrySet()) {
                at(hostPaths.get(e.getKey()), () -> InventoryRules.checkHost(e.getValue(), this));
            }
        }

        void checkVm(VmSpec vm, String path) {
            if (!vmNames.add(InventoryStore.key(vm.name()))) {
                throw new ValidationException(path + ".name", "'" + vm.name() + "' is used by another VM"
                        + " in this file (names are unique, ignoring case)");
            }
            at(path, () -> InventoryRules.checkVm(vm, this));
            if (allVms != null) {
                allVms.add(vm);
            }
            String key = InventoryStore.key(vm.name());
            if (jobVmKeys.contains(key)) {
                jobVms.put(key, new JobRules.VmRef(key, vm.name(), vm.host(), hostKind(vm.host()).orElseThrow()));
            }
        }

        /** After every VM: the jobs' references, against this file's servers and VMs. */
        void checkJobs() {
            Map<String, JobRules.ServerRef> serverRefs = new HashMap<>();
            servers.forEach((key, s) -> serverRefs.put(key, new JobRules.ServerRef(key, s.spec().name(),
                    s.roles().stream().map(ServerRole::type).collect(Collectors.toSet()))));
            JobRules.Lookup lookup = new JobRules.MapLookup(jobVms, serverRefs, true);
            InventorySnapshot[] snapshot = {null};
            for (JobSpec job : jobs) {
                String path = jobPaths.get(InventoryStore.key(job.name()));
                at(path, () -> {
                    JobRules.Resolved resolved = JobRules.resolve(job, lookup);
                    try {
                        JdbcJobService.checkWithValidators(validators, resolved.spec(), () -> {
                            if (snapshot[0] == null) {
                                snapshot[0] = snapshot();
                            }
                            return snapshot[0];
                        });
                    } catch (SQLException e) {
                        throw new IllegalStateException("the file's snapshot reads no database", e);
                    }
                    resolvedJobs.add(resolved);
                });
            }
        }

        /** The file's content as the inventory it becomes; ids are the objects' places in the file. */
        private InventorySnapshot snapshot() {
            List<ManagedServer> s = new ArrayList<>();
            servers.forEach((key, e) -> s.add(new ManagedServer("file:" + serverPaths.get(key), 1, e.spec(), e.roles())));
            List<PlatformHost> h = new ArrayList<>();
            hosts.forEach((key, spec) -> h.add(new PlatformHost("file:" + hostPaths.get(key), 1, spec)));
            List<VirtualMachine> v = new ArrayList<>();
            List<VmSpec> vms = allVms == null ? List.of() : allVms;
            for (int i = 0; i < vms.size(); i++) {
                v.add(new VirtualMachine("file:vms[" + i + "]", 1, vms.get(i)));
            }
            return new InventorySnapshot(s, h, v);
        }

        void vmWritten(VmSpec vm, String id) {
            String key = InventoryStore.key(vm.name());
            if (jobVmKeys.contains(key)) {
                vmIds.put(key, id);
            }
        }

        /** Writes the jobs, their references (name keys until now) turned into the ids just written. */
        void writeJobs(Connection c) throws SQLException {
            try (InventoryStore.JobWriter w = new InventoryStore.JobWriter(c)) {
                for (JobRules.Resolved job : resolvedJobs) {
                    w.add(OrderedIds.next(), 1, new JobRules.Resolved(job.spec(), serverIds.get(job.repositoryId()),
                            ids(job.vmIds(), vmIds), ids(job.proxyIds(), serverIds),
                            ids(job.guestProxyIds(), serverIds)));
                }
            }
        }

        private static List<String> ids(List<String> keys, Map<String, String> idsByKey) {
            return keys.stream().map(idsByKey::get).toList();
        }

        /** Writes servers, then hosts (parents first); returns host ids by lower-case name. */
        Map<String, String> writeServersAndHosts(Connection c) throws SQLException {
            try (InventoryStore.ServerWriter w = new InventoryStore.ServerWriter(c)) {
                for (Map.Entry<String, InventoryJsonCodec.ServerEntry> e : servers.entrySet()) {
                    String id = OrderedIds.next();
                    serverIds.put(e.getKey(), id);
                    w.add(id, 1, e.getValue().spec(), e.getValue().roles());
                }
            }
            Map<String, String> hostIds = new HashMap<>();
            hosts.keySet().forEach(k -> hostIds.put(k, OrderedIds.next()));
            try (InventoryStore.HostWriter w = new InventoryStore.HostWriter(c)) {
                for (boolean withParent : new boolean[] {false, true}) {
                    for (Map.Entry<String, HostSpec> e : hosts.entrySet()) {
                        HostSpec h = e.getValue();
                        if (h.parent().isPresent() == withParent) {
                            w.add(hostIds.get(e.getKey()), 1, h,
                                    h.parent().map(p -> hostIds.get(InventoryStore.key(p))),
                                    h.managedServer().map(s -> serverIds.get(InventoryStore.key(s))));
                        }
                    }
                    w.flush();
                }
            }
            return hostIds;
        }

        @Override
        public boolean hyperVHostExists() {
            return hosts.values().stream().anyMatch(h -> h.kind() == HostKind.HYPERV_HOST
                    || h.kind() == HostKind.HYPERV_CLUSTER);
        }

        @Override
        public boolean serverExists(String name) {
            return servers.containsKey(InventoryStore.key(name));
        }

        @Override
        public Optional<HostKind> hostKind(String name) {
            return Optional.ofNullable(hosts.get(InventoryStore.key(name))).map(HostSpec::kind);
        }

        @Override
        public Set<String> storageVisibleFrom(String host) {
            Set<String> out = new HashSet<>();
            HostSpec h = hosts.get(InventoryStore.key(host));
            if (h != null) {
                h.storage().forEach(s -> out.add(InventoryStore.key(s.name())));
                h.parent().map(p -> hosts.get(InventoryStore.key(p)))
                        .ifPresent(p -> p.storage().forEach(s -> out.add(InventoryStore.key(s.name()))));
            }
            return out;
        }

        private static void at(String path, Runnable check) {
            try {
                check.run();
            } catch (ValidationException e) {
                throw e.under(path);
            }
        }
    }
}
