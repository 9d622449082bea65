package io.ferry.selection.internal;

import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.InventorySummary;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.ServerSpec;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An {@link InventoryService} over a fixed snapshot: the selection service only reads snapshots. */
final class FakeInventory implements InventoryService {
    private volatile InventorySnapshot snapshot;

    FakeInventory(InventorySnapshot snapshot) {
        this.snapshot = snapshot;
    }

    void set(InventorySnapshot s) {
        snapshot = s;
    }

    @Override
    public InventorySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public List<ManagedServer> servers() {
        return snapshot.servers();
    }

    @Override
    public Optional<ManagedServer> server(String nameOrId) {
        return snapshot.server(nameOrId);
    }

    @Override
    public ManagedServer backupServer() {
        return snapshot.servers().stream().filter(s -> s.hasRole(RoleType.BACKUP_SERVER)).findFirst().orElseThrow();
    }

    @Override
    public List<PlatformHost> hosts() {
        return snapshot.hosts();
    }

    @Override
    public Optional<PlatformHost> host(String nameOrId) {
        return snapshot.host(nameOrId);
    }

    @Override
    public List<VirtualMachine> vms(VmQuery query) {
        return snapshot.vms();
    }

    @Override
    public Optional<VirtualMachine> vm(String nameOrId) {
        return snapshot.vm(nameOrId);
    }

    @Override
    public InventorySummary summary() {
        return new InventorySummary(snapshot.servers().size(), snapshot.hosts().size(), snapshot.vms().size(), 0);
    }

    @Override
    public ManagedServer addServer(ServerSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ManagedServer updateServer(String nameOrId, long expectedVersion, ServerSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeServer(String nameOrId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ManagedServer assignRole(String serverNameOrId, ServerRole role) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ManagedServer removeRole(String serverNameOrId, RoleType type) {
        throw new UnsupportedOperationException();
    }

    @Override
    public PlatformHost addHost(HostSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public PlatformHost updateHost(String nameOrId, long expectedVersion, HostSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeHost(String nameOrId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public VirtualMachine addVm(VmSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public VirtualMachine updateVm(String nameOrId, long expectedVersion, VmSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeVm(String nameOrId) {
        throw new UnsupportedOperationException();
    }

    /** Saved jobs in memory. */
    static final class Jobs implements JobService {
        private final List<Job> jobs = new ArrayList<>();

        Jobs add(JobSpec spec) {
            jobs.add(new Job("job-id-" + spec.name(), 1, spec));
            return this;
        }

        @Override
        public List<Job> jobs() {
            return List.copyOf(jobs);
        }

        @Override
        public Optional<Job> job(String nameOrId) {
            return jobs.stream().filter(j -> j.name().equalsIgnoreCase(nameOrId) || j.id().equals(nameOrId)).findFirst();
        }

        @Override
        public Job createJob(JobSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Job updateJob(String nameOrId, long expectedVersion, JobSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteJob(String nameOrId) {
            throw new UnsupportedOperationException();
        }
    }
}
