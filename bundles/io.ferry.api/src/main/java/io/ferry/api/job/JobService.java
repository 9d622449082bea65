package io.ferry.api.job;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Job definitions in the configuration database. Saving checks that every VM, the
 * repository and every named server exist with the right roles and platform, and runs the
 * {@link io.ferry.api.spi.JobValidator}s of the installed plugins (for example seed 000: a
 * Proxmox VE job with Windows VMs needs a Windows server). Errors as for the inventory.
 */
@ProviderType
public interface JobService {

    /** All jobs, ordered by name. */
    List<Job> jobs();

    Optional<Job> job(String nameOrId);

    Job createJob(JobSpec spec);

    /** Replaces a job's definition; a conflict if it is no longer at {@code expectedVersion}. */
    Job updateJob(String nameOrId, long expectedVersion, JobSpec spec);

    void deleteJob(String nameOrId);
}
