package io.ferry.api.job;

import java.util.Objects;

/**
 * A saved job.
 *
 * @param id      stable identifier
 * @param version change counter for optimistic locking
 * @param spec    the definition
 */
public record Job(String id, long version, JobSpec spec) {
    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
    }

    public String name() {
        return spec.name();
    }
}
