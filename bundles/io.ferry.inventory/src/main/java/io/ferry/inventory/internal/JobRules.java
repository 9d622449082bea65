package io.ferry.inventory.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a job definition must satisfy against the inventory before it is saved: every VM exists
 * and runs on the job's platform, the repository holds {@link RoleType#REPOSITORY}, explicit
 * proxies hold the platform's proxy role, preferred guest interaction proxies exist. Pure:
 * the inventory is seen through a {@link Lookup}, the database's or an import file's.
 */
final class JobRules {

    private JobRules() {
    }

    /** A VM as the rules see it. {@code id} is whatever the caller writes: a database id or a name key. */
    record VmRef(String id, String name, String host, HostKind hostKind) {
    }

    /** A managed server as the rules see it. */
    record ServerRef(String id, String name, Set<RoleType> roles) {
    }

    /** The inventory a job is checked against. */
    interface Lookup {
        Optional<VmRef> vm(String name);

        Optional<ServerRef> server(String name);

        /** The problem when no object of {@code kind} ("VM", "server") is named {@code name}. */
        String missing(String kind, String name);
    }

    /**
     * A lookup in maps keyed by lower-case name (and, from the database, also by id).
     *
     * @param importFile true when checking an import file: a missing object is missing from the file
     */
    record MapLookup(Map<String, VmRef> vms, Map<String, ServerRef> servers, boolean importFile) implements Lookup {

        @Override
        public Optional<VmRef> vm(String name) {
            return find(vms, name);
        }

        @Override
        public Optional<ServerRef> server(String name) {
            return find(servers, name);
        }

        @Override
        public String missing(String kind, String name) {
            return importFile ? "no " + kind + " named '" + name + "' in this file"
                    : "No " + kind + " named '" + name + "' (see ferry:" + kind.toLowerCase(Locale.ROOT) + "-list)";
        }

        private static <T> Optional<T> find(Map<String, T> refs, String name) {
            T byName = refs.get(InventoryStore.key(name));
            return Optional.ofNullable(byName != null ? byName : refs.get(name));
        }
    }

    /**
     * A job whose references are resolved: the spec with the names as the inventory spells
     * them, and the ids to write.
     */
    record Resolved(JobSpec spec, String repositoryId, List<String> vmIds, List<String> proxyIds,
            List<String> guestProxyIds) {
    }

    /** The role a server needs to be named as one of a job's backup proxies. */
    static RoleType proxyRole(Platform platform) {
        return switch (platform) {
            case VMWARE -> RoleType.VMWARE_PROXY;
            case HYPERV -> RoleType.HYPERV_OFFHOST_PROXY;
            case PROXMOX -> RoleType.GENERAL_PURPOSE_PROXY;
        };
    }

    /**
     * Checks {@code spec} against the inventory; the first problem is thrown as a
     * {@link ValidationException} whose field is the path of the offending value
     * ({@code vms[2]}, {@code repository}, {@code proxies.servers[0]},
     * {@code guestProcessing.guestProxies.servers[1]}).
     */
    static Resolved resolve(JobSpec spec, Lookup lookup) {
        ColumnLimits.job(spec);
        String job = "Job '" + spec.name() + "'";
        List<String> vmNames = new ArrayList<>();
        List<String> vmIds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < spec.vms().size(); i++) {
            String field = "vms[" + i + "]";
            String wanted = spec.vms().get(i);
            VmRef vm = lookup.vm(wanted).orElseThrow(() -> new ValidationException(field,
                    lookup.missing("VM", wanted)));
            Platform platform = vm.hostKind().platform();
            if (platform != spec.platform()) {
                throw new ValidationException(field, job + " backs up " + spec.platform() + " VMs, but VM '"
                        + vm.name() + "' runs on " + platform + " host '" + vm.host() + "'; a job's VMs all run on"
                        + " its platform: leave it out or put it in a " + platform + " job");
            }
            Integer earlier = seen.putIfAbsent(vm.id(), i);
            if (earlier != null) {
                throw new ValidationException(field, "'" + wanted + "' is VM '" + vm.name() + "', already listed as"
                        + " vms[" + earlier + "]");
            }
            vmNames.add(vm.name());
            vmIds.add(vm.id());
        }

        ServerRef repository = lookup.server(spec.repository()).orElseThrow(() -> new ValidationException(
                "repository", lookup.missing("server", spec.repository())));
        if (!repository.roles().contains(RoleType.REPOSITORY)) {
            throw new ValidationException("repository", "server '" + repository.name() + "' does not hold the"
                    + " REPOSITORY role; assign it (ferry:role-assign " + repository.name() + " repository) or name"
                    + " a repository server");
        }

        RoleType proxyRole = proxyRole(spec.platform());
        List<ServerRef> proxies = servers(spec.proxies(), "proxies", lookup);
        for (int i = 0; i < proxies.size(); i++) {
            ServerRef proxy = proxies.get(i);
            if (!proxy.roles().contains(proxyRole)) {
                throw new ValidationException("proxies.servers[" + i + "]", "server '" + proxy.name()
                        + "' does not hold the " + proxyRole + " role a " + spec.platform() + " job's backup proxies"
                        + " need; assign it (ferry:role-assign " + proxy.name() + " "
                        + proxyRole.name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + ") or choose the proxies automatically");
            }
        }
        List<ServerRef> guestProxies = servers(spec.guestProcessing().guestProxies(),
                "guestProcessing.guestProxies", lookup);

        GuestProcessing gp = spec.guestProcessing();
        JobSpec canonical = new JobSpec(spec.name(), spec.platform(), vmNames, repository.name(),
                choice(spec.proxies(), proxies), spec.transport(), new GuestProcessing(gp.applicationAware(),
                        gp.indexing(), gp.logProcessing(), choice(gp.guestProxies(), guestProxies)),
                spec.onHostFallback(), spec.schedule(), spec.retention());
        return new Resolved(canonical, repository.id(), List.copyOf(vmIds), ids(proxies), ids(guestProxies));
    }

    /** The servers of an explicit choice, each required to exist and listed once. */
    private static List<ServerRef> servers(ServerChoice choice, String field, Lookup lookup) {
        List<ServerRef> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < choice.servers().size(); i++) {
            String path = field + ".servers[" + i + "]";
            String wanted = choice.servers().get(i);
            ServerRef server = lookup.server(wanted).orElseThrow(() -> new ValidationException(path,
                    lookup.missing("server", wanted)));
            Integer earlier = seen.putIfAbsent(server.id(), i);
            if (earlier != null) {
                throw new ValidationException(path, "'" + wanted + "' is server '" + server.name()
                        + "', already listed as " + field + ".servers[" + earlier + "]");
            }
            out.add(server);
        }
        return out;
    }

    private static ServerChoice choice(ServerChoice given, List<ServerRef> servers) {
        return given.automatic() ? ServerChoice.AUTOMATIC
                : ServerChoice.preferred(servers.stream().map(ServerRef::name).toList());
    }

    private static List<String> ids(List<ServerRef> servers) {
        return servers.stream().map(ServerRef::id).toList();
    }
}
