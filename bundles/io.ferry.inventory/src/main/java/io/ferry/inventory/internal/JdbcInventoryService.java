package io.ferry.inventory.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ReferencedException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.InventorySummary;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.security.FerryRole;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@link InventoryService} on the configuration database. */
@Component(service = InventoryService.class)
public final class JdbcInventoryService implements InventoryService {
    private static final String SERVER_LIST = "ferry:server-list";
    private static final String HOST_LIST = "ferry:host-list";
    private static final String VM_LIST = "ferry:vm-list";

    private final InventoryDatabase db;
    private final Audit audit;

    @Activate
    public JdbcInventoryService(@Reference InventoryDatabase db, @Reference AuditLog auditLog) {
        this.db = Objects.requireNonNull(db, "db");
        this.audit = Audit.to(auditLog);
    }

    /** Without OSGi (tests, tools): audits to the same database. */
    public JdbcInventoryService(InventoryDatabase db) {
        this(db, new JdbcAuditLog(db));
    }

    // --- servers -------------------------------------------------------------------------

    @Override
    public List<ManagedServer> servers() {
        audit.read(FerryRole.VIEWER, "server-list");
        return db.read(c -> InventoryStore.servers(c, Optional.empty()));
    }

    @Override
    public Optional<ManagedServer> server(String nameOrId) {
        audit.read(FerryRole.VIEWER, "server-show");
        return db.read(c -> findServer(c, nameOrId));
    }

    @Override
    public ManagedServer backupServer() {
        audit.read(FerryRole.VIEWER, "server-show");
        return db.read(c -> {
            List<String> names = InventoryStore.serversWithRole(c, RoleType.BACKUP_SERVER);
            if (names.isEmpty()) {
                throw new FerryException("The inventory has no backup server; it is registered at start-up");
            }
            return findServer(c, names.get(0)).orElseThrow();
        });
    }

    @Override
    public ManagedServer addServer(ServerSpec spec) {
        return audit.change(FerryRole.ADMIN, "server-add", spec == null ? "" : spec.name(), () -> doAddServer(spec));
    }

    private ManagedServer doAddServer(ServerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            // Seed 001: every managed server is a guest interaction proxy.
            List<ServerRole> roles = List.of(ServerRole.of(RoleType.GUEST_INTERACTION));
            InventoryRules.checkServer(spec, roles, new DatabaseRuleContext(c));
            requireFreeName(c, "servers", spec.name(), "server");
            String id = OrderedIds.next();
            InventoryStore.insertServer(c, id, 1, spec, roles);
            return findServer(c, id).orElseThrow();
        });
    }

    @Override
    public ManagedServer updateServer(String nameOrId, long expectedVersion, ServerSpec spec) {
        return audit.change(FerryRole.ADMIN, "server-update", nameOrId,
                () -> doUpdateServer(nameOrId, expectedVersion, spec));
    }

    private ManagedServer doUpdateServer(String nameOrId, long expectedVersion, ServerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            ManagedServer current = requireServer(c, nameOrId);
            checkVersion(current.version(), expectedVersion, "Server '" + current.name() + "'");
            InventoryRules.checkServer(spec, current.roles(), new DatabaseRuleContext(c));
            if (!spec.name().equalsIgnoreCase(current.name())) {
                requireFreeName(c, "servers", spec.name(), "server");
            }
            if (!InventoryStore.updateServer(c, current.id(), expectedVersion, spec)) {
                throw concurrentChange("Server '" + current.name() + "'");
            }
            return findServer(c, current.id()).orElseThrow();
        });
    }

    @Override
    public void removeServer(String nameOrId) {
        audit.change(FerryRole.ADMIN, "server-remove", nameOrId, () -> doRemoveServer(nameOrId));
    }

    private void doRemoveServer(String nameOrId) {
        db.inTransaction(c -> {
            ManagedServer server = requireServer(c, nameOrId);
            List<String> references = new ArrayList<>();
            if (server.hasRole(RoleType.BACKUP_SERVER)) {
                references.add("it is the backup server, which cannot be removed");
            }
            List<String> roles = server.roles().stream().map(ServerRole::type).filter(RoleType::isAssignable)
                    .map(Enum::name).toList();
            if (!roles.isEmpty()) {
                references.add("it holds role(s) " + String.join(", ", roles) + " (ferry:role-remove "
                        + server.name() + " <role>)");
            }
            for (String host : InventoryStore.strings(c, "SELECT name FROM hosts WHERE managed_server_id = ?"
                    + " ORDER BY name_key", server.id())) {
                references.add("host '" + host + "' is this machine");
            }
            references.addAll(jobsNamingServer(c, server.id()));
            String agent = JdbcAgentRegistry.agentOf(c, server.id());
            if (agent != null) {
                references.add("an agent is enrolled for it (certificate " + agent.substring(0, 16)
                        + "..., ferry:agent-remove " + server.name() + ")");
            }
            if (!references.isEmpty()) {
                throw new ReferencedException("Server '" + server.name() + "'", references);
            }
            InventoryStore.deleteServer(c, server.id());
            return null;
        });
    }

    @Override
    public ManagedServer assignRole(String serverNameOrId, ServerRole role) {
        return audit.change(FerryRole.ADMIN, "role-assign", serverNameOrId + (role == null ? "" : " " + role.type()),
                () -> doAssignRole(serverNameOrId, role));
    }

    private ManagedServer doAssignRole(String serverNameOrId, ServerRole role) {
        Objects.requireNonNull(role, "role");
        if (!role.type().isAssignable()) {
            throw new ValidationException("role", role.type() == RoleType.GUEST_INTERACTION
                    ? "every managed server holds GUEST_INTERACTION already (seed 001)"
                    : "there is exactly one backup server, registered at installation; the role cannot be assigned");
        }
        return changeRoles(serverNameOrId, (c, server, roles) -> {
            roles.removeIf(r -> r.type() == role.type());
            roles.add(role);
            InventoryRules.checkRole(server.spec(), role, new DatabaseRuleContext(c));
        });
    }

    @Override
    public ManagedServer removeRole(String serverNameOrId, RoleType type) {
        return audit.change(FerryRole.ADMIN, "role-remove", serverNameOrId + " " + type,
                () -> doRemoveRole(serverNameOrId, type));
    }

    private ManagedServer doRemoveRole(String serverNameOrId, RoleType type) {
        Objects.requireNonNull(type, "type");
        if (type == RoleType.GUEST_INTERACTION) {
            throw new ValidationException("role", "every managed server is a guest interaction proxy (seed 001);"
                    + " to keep a server out of guest processing, disable it or leave it out of the jobs'"
                    + " preferred guest interaction proxies");
        }
        if (type == RoleType.BACKUP_SERVER) {
            throw new ValidationException("role", "exactly one server is the backup server; the role cannot be removed");
        }
        return changeRoles(serverNameOrId, (c, server, roles) -> {
            if (!roles.removeIf(r -> r.type() == type)) {
                throw new ValidationException("role", "Server '" + server.name() + "' does not hold role " + type);
            }
            List<String> jobs = jobsNeedingRole(c, server.id(), type);
            if (!jobs.isEmpty()) {
                throw new ReferencedException("Role " + type + " of server '" + server.name() + "'", jobs);
            }
        });
    }

    /** What jobs name the server for: repository, backup proxy, preferred guest interaction proxy. */
    private static List<String> jobsNamingServer(Connection c, String serverId) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String job : InventoryStore.jobsWithRepository(c, serverId)) {
            out.add(jobStoresBackupsOnIt(job));
        }
        for (String job : InventoryStore.jobsWithProxy(c, serverId, Optional.empty())) {
            out.add(jobNamesItAsProxy(job));
        }
        for (String job : InventoryStore.jobsWithGuestProxy(c, serverId)) {
            out.add("job '" + job + "' prefers it as guest interaction proxy (ferry:job-update --guest-proxy SERVER "
                    + job + ")");
        }
        return out;
    }

    /** The jobs that need the server to keep {@code role}: as their repository, or as a named proxy. */
    private static List<String> jobsNeedingRole(Connection c, String serverId, RoleType role) throws SQLException {
        List<String> out = new ArrayList<>();
        if (role == RoleType.REPOSITORY) {
            InventoryStore.jobsWithRepository(c, serverId).forEach(job -> out.add(jobStoresBackupsOnIt(job)));
        }
        for (Platform platform : Platform.values()) {
            if (JobRules.proxyRole(platform) == role) {
                InventoryStore.jobsWithProxy(c, serverId, Optional.of(platform))
                        .forEach(job -> out.add(jobNamesItAsProxy(job)));
            }
        }
        return out;
    }

    private static String jobStoresBackupsOnIt(String job) {
        return "job '" + job + "' stores its backups on it (ferry:job-update --repository SERVER " + job + ")";
    }

    private static String jobNamesItAsProxy(String job) {
        return "job '" + job + "' names it as backup proxy (ferry:job-update --proxy SERVER " + job + ")";
    }

    @FunctionalInterface
    private interface RoleChange {
        void apply(Connection c, ManagedServer server, List<ServerRole> roles) throws SQLException;
    }

    private ManagedServer changeRoles(String serverNameOrId, RoleChange change) {
        return db.inTransaction(c -> {
            ManagedServer server = requireServer(c, serverNameOrId);
            List<ServerRole> roles = new ArrayList<>(server.roles());
            change.apply(c, server, roles);
            if (!InventoryStore.replaceRoles(c, server.id(), server.version(), roles)) {
                throw concurrentChange("Server '" + server.name() + "'");
            }
            return findServer(c, server.id()).orElseThrow();
        });
    }

    // --- hosts ---------------------------------------------------------------------------

    @Override
    public List<PlatformHost> hosts() {
        audit.read(FerryRole.VIEWER, "host-list");
        return db.read(c -> InventoryStore.hosts(c, Optional.empty()));
    }

    @Override
    public Optional<PlatformHost> host(String nameOrId) {
        audit.read(FerryRole.VIEWER, "host-list");
        return db.read(c -> findHost(c, nameOrId));
    }

    @Override
    public PlatformHost addHost(HostSpec spec) {
        return audit.change(FerryRole.ADMIN, "host-add", spec == null ? "" : spec.name(), () -> doAddHost(spec));
    }

    private PlatformHost doAddHost(HostSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            InventoryRules.checkHost(spec, new DatabaseRuleContext(c));
            requireFreeName(c, "hosts", spec.name(), "host");
            String id = OrderedIds.next();
            Optional<String> parentId = spec.parent().isPresent()
                    ? InventoryStore.hostId(c, spec.parent().get()) : Optional.empty();
            Optional<String> serverId = spec.managedServer().isPresent()
                    ? InventoryStore.serverId(c, spec.managedServer().get()) : Optional.empty();
            try (InventoryStore.HostWriter w = new InventoryStore.HostWriter(c)) {
                w.add(id, 1, spec, parentId, serverId);
            }
            return findHost(c, id).orElseThrow();
        });
    }

    @Override
    public PlatformHost updateHost(String nameOrId, long expectedVersion, HostSpec spec) {
        return audit.change(FerryRole.ADMIN, "host-update", nameOrId,
                () -> doUpdateHost(nameOrId, expectedVersion, spec));
    }

    private PlatformHost doUpdateHost(String nameOrId, long expectedVersion, HostSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            PlatformHost current = findHost(c, nameOrId)
                    .orElseThrow(() -> NotFoundException.of("host", nameOrId, HOST_LIST));
            String who = "Host '" + current.name() + "'";
            checkVersion(current.version(), expectedVersion, who);
            InventoryRules.checkHost(spec, new DatabaseRuleContext(c));
            if (!spec.name().equalsIgnoreCase(current.name())) {
                requireFreeName(c, "hosts", spec.name(), "host");
            }
            Optional<String> parentId = spec.parent().isPresent()
                    ? InventoryStore.hostId(c, spec.parent().get()) : Optional.empty();
            if (parentId.isPresent() && parentId.get().equals(current.id())) {
                throw new ValidationException("parent", who + ": a host cannot be its own parent");
            }
            Optional<String> serverId = spec.managedServer().isPresent()
                    ? InventoryStore.serverId(c, spec.managedServer().get()) : Optional.empty();
            if (!InventoryStore.updateHost(c, current.id(), expectedVersion, spec, parentId, serverId)) {
                throw concurrentChange(who);
            }
            // What named the host before still holds (checked on the changed rows; a refusal rolls back).
            checkHostDependents(c, current, spec);
            return findHost(c, current.id()).orElseThrow();
        });
    }

    /**
     * After a host changed: the hosts naming it as parent, the VMs on it and on those hosts, and
     * the jobs backing those VMs up still satisfy the rules an import checks (seed 004 too).
     */
    private static void checkHostDependents(Connection c, PlatformHost before, HostSpec after) throws SQLException {
        String who = "Host '" + before.name() + "'";
        List<String> children = InventoryStore.strings(c, "SELECT name FROM hosts WHERE parent_id = ?"
                + " ORDER BY name_key", before.id());
        if (!children.isEmpty() && after.kind() != before.kind()) {
            throw new ValidationException("kind", who + " cannot become a " + after.kind() + ": host(s) "
                    + abbreviate(children) + " name it as parent and belong to a " + before.kind()
                    + "; move them first (PUT each with another parent)");
        }
        RuleContext rules = new CachingRuleContext(new DatabaseRuleContext(c));
        List<VirtualMachine> affected = new ArrayList<>(InventoryStore.vms(c, VmQuery.all().onHost(before.id())));
        for (String child : children) {
            affected.addAll(InventoryStore.vms(c, VmQuery.all().onHost(child)));
        }
        for (VirtualMachine vm : affected) {
            try {
                InventoryRules.checkVm(vm.spec(), rules);
            } catch (ValidationException e) {
                String field = e.field().startsWith("disks")
                        ? (vm.spec().host().equalsIgnoreCase(after.name())
                                && vm.spec().disks().stream().anyMatch(d -> d.storage().isPresent()
                                        && before.spec().storage(d.storage().get()).isEmpty()
                                        && after.storage(d.storage().get()).isEmpty()) ? "parent" : "storage")
                        : "kind";
                throw new ValidationException(field, who + " cannot be changed so: VM '" + vm.name()
                        + "' would break (" + e.problem() + ")");
            }
        }
        List<String> jobs = InventoryStore.strings(c, "SELECT DISTINCT j.name FROM jobs j JOIN job_vms m"
                + " ON m.job_id = j.id JOIN vms v ON v.id = m.vm_id WHERE v.host_id = ? AND j.platform <> ?",
                before.id(), after.kind().platform().name());
        if (!jobs.isEmpty()) {
            throw new ValidationException("kind", who + " cannot become a " + after.kind() + ": its VMs are backed up"
                    + " by " + before.kind().platform() + " job(s) " + abbreviate(jobs.stream().sorted().toList())
                    + ", and a job's VMs all run on its platform");
        }
        if (before.kind().platform() == Platform.HYPERV && after.kind().platform() != Platform.HYPERV
                && !rules.hyperVHostExists()) {
            List<String> offhost = InventoryStore.serversWithRole(c, RoleType.HYPERV_OFFHOST_PROXY);
            if (!offhost.isEmpty()) {
                throw new ValidationException("kind", who + " is the last Hyper-V server and off-host proxies need"
                        + " one (seed 004): " + String.join(", ", offhost));
            }
        }
    }

    @Override
    public void removeHost(String nameOrId) {
        audit.change(FerryRole.ADMIN, "host-remove", nameOrId, () -> doRemoveHost(nameOrId));
    }

    private void doRemoveHost(String nameOrId) {
        db.inTransaction(c -> {
            PlatformHost host = findHost(c, nameOrId)
                    .orElseThrow(() -> NotFoundException.of("host", nameOrId, HOST_LIST));
            List<String> references = new ArrayList<>();
            List<String> vms = InventoryStore.strings(c, "SELECT name FROM vms WHERE host_id = ? ORDER BY name_key",
                    host.id());
            if (!vms.isEmpty()) {
                references.add(vms.size() + " VM(s) run on it: " + abbreviate(vms));
            }
            for (String child : InventoryStore.strings(c, "SELECT name FROM hosts WHERE parent_id = ?"
                    + " ORDER BY name_key", host.id())) {
                references.add("host '" + child + "' names it as parent");
            }
            if (host.kind().platform() == Platform.HYPERV) {
                long otherHyperV = InventoryStore.strings(c, "SELECT id FROM hosts WHERE kind IN (?, ?) AND id <> ?",
                        HostKind.HYPERV_HOST.name(), HostKind.HYPERV_CLUSTER.name(), host.id()).size();
                List<String> offhost = InventoryStore.serversWithRole(c, RoleType.HYPERV_OFFHOST_PROXY);
                if (otherHyperV == 0 && !offhost.isEmpty()) {
                    references.add("it is the last Hyper-V server and off-host proxies need one (seed 004): "
                            + String.join(", ", offhost));
                }
            }
            if (!references.isEmpty()) {
                throw new ReferencedException("Host '" + host.name() + "'", references);
            }
            InventoryStore.deleteHost(c, host.id());
            return null;
        });
    }

    // --- vms -----------------------------------------------------------------------------

    @Override
    public List<VirtualMachine> vms(VmQuery query) {
        audit.read(FerryRole.VIEWER, "vm-list");
        Objects.requireNonNull(query, "query");
        return db.read(c -> InventoryStore.vms(c, query));
    }

    @Override
    public Optional<VirtualMachine> vm(String nameOrId) {
        audit.read(FerryRole.VIEWER, "vm-list");
        return db.read(c -> findVm(c, nameOrId));
    }

    @Override
    public VirtualMachine addVm(VmSpec spec) {
        return audit.change(FerryRole.ADMIN, "vm-add", spec == null ? "" : spec.name(), () -> doAddVm(spec));
    }

    private VirtualMachine doAddVm(VmSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            InventoryRules.checkVm(spec, new DatabaseRuleContext(c));
            requireFreeName(c, "vms", spec.name(), "VM");
            String id = OrderedIds.next();
            String hostId = InventoryStore.hostId(c, spec.host()).orElseThrow();
            try (InventoryStore.VmWriter w = new InventoryStore.VmWriter(c)) {
                w.add(id, 1, spec, hostId);
            }
            return InventoryStore.vm(c, id).orElseThrow();
        });
    }

    @Override
    public VirtualMachine updateVm(String nameOrId, long expectedVersion, VmSpec spec) {
        return audit.change(FerryRole.ADMIN, "vm-update", nameOrId, () -> doUpdateVm(nameOrId, expectedVersion, spec));
    }

    private VirtualMachine doUpdateVm(String nameOrId, long expectedVersion, VmSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            VirtualMachine current = findVm(c, nameOrId).orElseThrow(() -> NotFoundException.of("VM", nameOrId, VM_LIST));
            String who = "VM '" + current.name() + "'";
            checkVersion(current.version(), expectedVersion, who);
            DatabaseRuleContext rules = new DatabaseRuleContext(c);
            InventoryRules.checkVm(spec, rules);
            if (!spec.name().equalsIgnoreCase(current.name())) {
                requireFreeName(c, "vms", spec.name(), "VM");
            }
            Platform platform = rules.hostKind(spec.host()).orElseThrow().platform();
            List<String> jobs = InventoryStore.strings(c, "SELECT j.name FROM jobs j JOIN job_vms m ON m.job_id = j.id"
                    + " WHERE m.vm_id = ? AND j.platform <> ? ORDER BY j.name_key", current.id(), platform.name());
            if (!jobs.isEmpty()) {
                throw new ValidationException("host", who + " cannot move to " + platform + " host '" + spec.host()
                        + "': job(s) " + abbreviate(jobs) + " back it up, and a job's VMs all run on its platform;"
                        + " take it out of them first (ferry:job-update --remove-vm " + current.name() + " JOB)");
            }
            String hostId = InventoryStore.hostId(c, spec.host()).orElseThrow();
            if (!InventoryStore.updateVm(c, current.id(), expectedVersion, spec, hostId)) {
                throw concurrentChange(who);
            }
            return InventoryStore.vm(c, current.id()).orElseThrow();
        });
    }

    @Override
    public void removeVm(String nameOrId) {
        audit.change(FerryRole.ADMIN, "vm-remove", nameOrId, () -> doRemoveVm(nameOrId));
    }

    private void doRemoveVm(String nameOrId) {
        db.inTransaction(c -> {
            VirtualMachine vm = findVm(c, nameOrId).orElseThrow(() -> NotFoundException.of("VM", nameOrId, VM_LIST));
            List<String> jobs = InventoryStore.jobsWithVm(c, vm.id());
            if (!jobs.isEmpty()) {
                throw new ReferencedException("VM '" + vm.name() + "'", jobs.stream().map(job -> "job '" + job
                        + "' backs it up (ferry:job-update --remove-vm " + vm.name() + " " + job + ")").toList());
            }
            InventoryStore.deleteVm(c, vm.id());
            return null;
        });
    }

    // --- whole inventory -----------------------------------------------------------------

    @Override
    public InventorySummary summary() {
        audit.read(FerryRole.VIEWER, "inventory-summary");
        return db.read(c -> new InventorySummary(InventoryStore.count(c, "servers"), InventoryStore.count(c, "hosts"),
                InventoryStore.count(c, "vms"), InventoryStore.count(c, "vm_disks")));
    }

    @Override
    public InventorySnapshot snapshot() {
        audit.read(FerryRole.VIEWER, "inventory-snapshot");
        return db.read(c -> new InventorySnapshot(InventoryStore.servers(c, Optional.empty()),
                InventoryStore.hosts(c, Optional.empty()), InventoryStore.vms(c, VmQuery.all())));
    }

    // --- helpers -------------------------------------------------------------------------

    private static Optional<ManagedServer> findServer(Connection c, String nameOrId) throws SQLException {
        Optional<String> id = InventoryStore.serverId(c, nameOrId);
        return id.isEmpty() ? Optional.empty() : InventoryStore.servers(c, id).stream().findFirst();
    }

    private static ManagedServer requireServer(Connection c, String nameOrId) throws SQLException {
        return findServer(c, nameOrId).orElseThrow(() -> NotFoundException.of("server", nameOrId, SERVER_LIST));
    }

    private static Optional<PlatformHost> findHost(Connection c, String nameOrId) throws SQLException {
        Optional<String> id = InventoryStore.hostId(c, nameOrId);
        return id.isEmpty() ? Optional.empty() : InventoryStore.hosts(c, id).stream().findFirst();
    }

    private static Optional<VirtualMachine> findVm(Connection c, String nameOrId) throws SQLException {
        Optional<String> id = InventoryStore.vmId(c, nameOrId);
        return id.isEmpty() ? Optional.empty() : InventoryStore.vm(c, id.get());
    }

    static void requireFreeName(Connection c, String table, String name, String kind) throws SQLException {
        if (!InventoryStore.strings(c, "SELECT name FROM " + table + " WHERE name_key = ?",
                InventoryStore.key(name)).isEmpty()) {
            throw new ConflictException("A " + kind + " named '" + name + "' already exists (names are unique,"
                    + " ignoring case)");
        }
    }

    static void checkVersion(long actual, long expected, String what) {
        if (actual != expected) {
            throw new ConflictException(what + " was changed by someone else: you edited version " + expected
                    + ", it is now at version " + actual + ". Nothing was saved; show it again and redo your change.");
        }
    }

    static ConflictException concurrentChange(String what) {
        return new ConflictException(what + " was changed by someone else while you were saving. Nothing was"
                + " saved; show it again and redo your change.");
    }

    /** The rules' questions answered once per name: a host's VMs are checked together. */
    private static final class CachingRuleContext implements RuleContext {
        private final RuleContext db;
        private final java.util.Map<String, Optional<HostKind>> kinds = new java.util.HashMap<>();
        private final java.util.Map<String, java.util.Set<String>> storage = new java.util.HashMap<>();

        CachingRuleContext(RuleContext db) {
            this.db = db;
        }

        @Override
        public boolean hyperVHostExists() {
            return db.hyperVHostExists();
        }

        @Override
        public boolean serverExists(String name) {
            return db.serverExists(name);
        }

        @Override
        public Optional<HostKind> hostKind(String name) {
            return kinds.computeIfAbsent(InventoryStore.key(name), db::hostKind);
        }

        @Override
        public java.util.Set<String> storageVisibleFrom(String host) {
            return storage.computeIfAbsent(InventoryStore.key(host), db::storageVisibleFrom);
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
