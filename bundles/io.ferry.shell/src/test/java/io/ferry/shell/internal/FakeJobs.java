package io.ferry.shell.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** In-memory stand-in for the inventory bundle's job service, recording what the commands ask. */
final class FakeJobs implements JobService {
    final List<Job> jobs = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    /** Thrown by the next create or update instead of saving, as the service's checks would. */
    FerryException refuseNextSave;
    private int ids;

    /** Adds a Proxmox VE job with this id, name and VMs, everything else automatic (for other commands' tests). */
    FakeJobs with(String id, String name, String... vms) {
        jobs.add(new Job(id, 1, JobSpec.of(name, Platform.PROXMOX, List.of(vms), "repo-01")));
        return this;
    }

    Job put(JobSpec spec) {
        Job job = new Job("job-" + ++ids, 1, spec);
        jobs.add(job);
        return job;
    }

    @Override
    public List<Job> jobs() {
        return jobs.stream().sorted(Comparator.comparing(j -> j.name().toLowerCase())).toList();
    }

    @Override
    public Optional<Job> job(String nameOrId) {
        return jobs.stream().filter(j -> j.name().equalsIgnoreCase(nameOrId) || j.id().equals(nameOrId)).findFirst();
    }

    @Override
    public Job createJob(JobSpec spec) {
        calls.add("createJob " + spec.name());
        refuseIfAsked();
        return put(spec);
    }

    @Override
    public Job updateJob(String nameOrId, long expectedVersion, JobSpec spec) {
        calls.add("updateJob " + nameOrId + " v" + expectedVersion);
        Job current = job(nameOrId).orElseThrow(() -> NotFoundException.of("job", nameOrId, "ferry:job-list"));
        if (current.version() != expectedVersion) {
            throw new ConflictException("Job '" + current.name() + "' changed since version " + expectedVersion);
        }
        refuseIfAsked();
        Job updated = new Job(current.id(), current.version() + 1, spec);
        jobs.set(jobs.indexOf(current), updated);
        return updated;
    }

    @Override
    public void deleteJob(String nameOrId) {
        calls.add("deleteJob " + nameOrId);
        jobs.remove(job(nameOrId).orElseThrow(() -> NotFoundException.of("job", nameOrId, "ferry:job-list")));
    }

    private void refuseIfAsked() {
        FerryException refusal = refuseNextSave;
        refuseNextSave = null;
        if (refusal != null) {
            throw refusal;
        }
    }
}
