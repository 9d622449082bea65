package io.ferry.jobs.internal;

import io.ferry.api.NotFoundException;
import io.ferry.api.job.Job;
import io.ferry.api.job.JobService;
import io.ferry.api.job.JobSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Job definitions in memory, without validation (test fake). */
final class FakeJobService implements JobService {

    private final List<Job> jobs = new ArrayList<>();
    private int next = 1;

    @Override
    public synchronized List<Job> jobs() {
        return jobs.stream().sorted(Comparator.comparing(Job::name)).toList();
    }

    @Override
    public synchronized Optional<Job> job(String nameOrId) {
        return jobs.stream().filter(j -> j.id().equals(nameOrId) || j.name().equalsIgnoreCase(nameOrId)).findFirst();
    }

    @Override
    public synchronized Job createJob(JobSpec spec) {
        Job job = new Job("job-" + next++, 1, spec);
        jobs.add(job);
        return job;
    }

    @Override
    public synchronized Job updateJob(String nameOrId, long expectedVersion, JobSpec spec) {
        Job old = job(nameOrId).orElseThrow(() -> new NotFoundException("no job " + nameOrId));
        Job updated = new Job(old.id(), old.version() + 1, spec);
        jobs.set(jobs.indexOf(old), updated);
        return updated;
    }

    @Override
    public synchronized void deleteJob(String nameOrId) {
        jobs.remove(job(nameOrId).orElseThrow(() -> new NotFoundException("no job " + nameOrId)));
    }
}
