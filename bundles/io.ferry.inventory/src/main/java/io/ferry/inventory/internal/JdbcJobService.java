package io.ferry.inventory.internal;

import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.VmQuery;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import io.ferry.api.security.FerryRole;
import io.ferry.api.spi.JobValidator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@link JobService} on the configuration database. A save checks the job against the
 * inventory first ({@link JobRules}: VMs, repository, proxies, guest interaction proxies), then
 * asks every installed {@link JobValidator} of the job's platform (whiteboard), and writes only
 * a job without problems, all in one transaction. Validators see the whole inventory as a
 * snapshot read in that transaction; it is read only when a validator for the platform is
 * installed, since it holds every VM.
 */
@Component(service = JobService.class)
public final class JdbcJobService implements JobService {
    private static final String JOB_LIST = "ferry:job-list";

    private final InventoryDatabase db;
    private final Audit audit;
    private final List<JobValidator> validators = new CopyOnWriteArrayList<>();

    @Activate
    public JdbcJobService(@Reference InventoryDatabase db, @Reference AuditLog auditLog) {
        this.db = Objects.requireNonNull(db, "db");
        this.audit = Audit.to(auditLog);
    }

    /** Without OSGi (tests, tools): audits to the same database. */
    public JdbcJobService(InventoryDatabase db) {
        this(db, new JdbcAuditLog(db));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeValidator")
    void addValidator(JobValidator validator) {
        validators.add(validator);
    }

    void removeValidator(JobValidator validator) {
        validators.remove(validator);
    }

    @Override
    public List<Job> jobs() {
        audit.read(FerryRole.VIEWER, "job-list");
        return db.read(c -> InventoryStore.jobs(c, Optional.empty()));
    }

    @Override
    public Optional<Job> job(String nameOrId) {
        audit.read(FerryRole.VIEWER, "job-show");
        Objects.requireNonNull(nameOrId, "nameOrId");
        return db.read(c -> findJob(c, nameOrId));
    }

    @Override
    public Job createJob(JobSpec spec) {
        return audit.change(FerryRole.ADMIN, "job-create", spec == null ? "" : spec.name(), () -> doCreateJob(spec));
    }

    private Job doCreateJob(JobSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            JdbcInventoryService.requireFreeName(c, "jobs", spec.name(), "job");
            JobRules.Resolved job = validate(c, spec);
            String id = OrderedIds.next();
            InventoryStore.insertJob(c, id, 1, job);
            return findJob(c, id).orElseThrow();
        });
    }

    @Override
    public Job updateJob(String nameOrId, long expectedVersion, JobSpec spec) {
        return audit.change(FerryRole.ADMIN, "job-update", nameOrId,
                () -> doUpdateJob(nameOrId, expectedVersion, spec));
    }

    private Job doUpdateJob(String nameOrId, long expectedVersion, JobSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return db.inTransaction(c -> {
            Job current = requireJob(c, nameOrId);
            String what = "Job '" + current.name() + "'";
            JdbcInventoryService.checkVersion(current.version(), expectedVersion, what);
            if (!spec.name().equalsIgnoreCase(current.name())) {
                JdbcInventoryService.requireFreeName(c, "jobs", spec.name(), "job");
            }
            JobRules.Resolved job = validate(c, spec);
            if (!InventoryStore.updateJob(c, current.id(), expectedVersion, job)) {
                throw JdbcInventoryService.concurrentChange(what);
            }
            return findJob(c, current.id()).orElseThrow();
        });
    }

    @Override
    public void deleteJob(String nameOrId) {
        audit.change(FerryRole.ADMIN, "job-delete", nameOrId, () -> doDeleteJob(nameOrId));
    }

    private void doDeleteJob(String nameOrId) {
        db.inTransaction(c -> {
            InventoryStore.deleteJob(c, requireJob(c, nameOrId).id());
            return null;
        });
    }

    // --- validation ----------------------------------------------------------------------

    private JobRules.Resolved validate(Connection c, JobSpec spec) throws SQLException {
        JobRules.Lookup lookup = new JobRules.MapLookup(InventoryStore.vmRefs(c, spec.vms()),
                InventoryStore.serverRefs(c), false);
        JobRules.Resolved job = JobRules.resolve(spec, lookup);
        checkWithValidators(c, job.spec());
        return job;
    }

    /**
     * Runs the validators of the job's platform; their problems, in validator-name order, make
     * one {@link ValidationException}: its field is the validator's name when one validator
     * objects, empty when several do (each problem is then prefixed with its validator's name).
     */
    private void checkWithValidators(Connection c, JobSpec spec) throws SQLException {
        checkWithValidators(List.copyOf(validators), spec, () -> new InventorySnapshot(
                InventoryStore.servers(c, Optional.empty()), InventoryStore.hosts(c, Optional.empty()),
                InventoryStore.vms(c, VmQuery.all())));
    }

    /** The inventory a validator sees, read only when a validator for the job's platform is installed. */
    @FunctionalInterface
    interface SnapshotSource {
        InventorySnapshot get() throws SQLException;
    }

    /** Whether any of {@code validators} checks jobs of {@code platform}. */
    static boolean anyFor(List<JobValidator> validators, Platform platform) {
        return validators.stream().anyMatch(v -> v.platform().map(p -> p == platform).orElse(true));
    }

    /** The validator check of a save, shared with import (which passes the file's content as snapshot). */
    static void checkWithValidators(List<JobValidator> validators, JobSpec spec, SnapshotSource source)
            throws SQLException {
        List<JobValidator> matching = validators.stream()
                .filter(v -> v.platform().map(p -> p == spec.platform()).orElse(true))
                .sorted(Comparator.comparing(JobValidator::name)).toList();
        if (matching.isEmpty()) {
            return;
        }
        InventorySnapshot snapshot = source.get();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (JobValidator validator : matching) {
            List<String> found = problems(validator, spec, snapshot);
            if (!found.isEmpty()) {
                problems.computeIfAbsent(validator.name(), k -> new ArrayList<>()).addAll(found);
            }
        }
        if (problems.size() == 1) {
            Map.Entry<String, List<String>> only = problems.entrySet().iterator().next();
            throw new ValidationException(only.getKey(), String.join(" ", only.getValue()));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException("", problems.entrySet().stream()
                    .map(e -> e.getKey() + ": " + String.join(" ", e.getValue())).collect(Collectors.joining(" ")));
        }
    }

    private static List<String> problems(JobValidator validator, JobSpec spec, InventorySnapshot snapshot) {
        List<String> found;
        try {
            found = validator.problems(spec, snapshot);
        } catch (FerryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FerryException("Job validator '" + validator.name() + "' failed while checking job '"
                    + spec.name() + "': " + e + ". Nothing was saved; report this to the plugin's vendor or"
                    + " uninstall the plugin.", e);
        }
        return found == null ? List.of() : found.stream().filter(p -> p != null && !p.isBlank()).toList();
    }

    // --- helpers -------------------------------------------------------------------------

    private static Optional<Job> findJob(Connection c, String nameOrId) throws SQLException {
        Optional<String> id = InventoryStore.jobId(c, nameOrId);
        return id.isEmpty() ? Optional.empty() : InventoryStore.jobs(c, id).stream().findFirst();
    }

    private static Job requireJob(Connection c, String nameOrId) throws SQLException {
        return findJob(c, nameOrId).orElseThrow(() -> NotFoundException.of("job", nameOrId, JOB_LIST));
    }
}
