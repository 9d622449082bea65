package io.ferry.api.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a job.
 *
 * @param id       session id (sortable by start time)
 * @param job      job name
 * @param trigger  "manual", "schedule" or "retry"
 * @param retryOf  the session this one retries (only its failed tasks), or null
 * @param status   state
 * @param started  start time
 * @param finished end time (null while running)
 * @param tasks    one per disk, in plan order
 * @param guests   guest processing, one per VM that has it
 * @param message  summary for people: why it failed, what was skipped (empty when nothing to say)
 */
public record Session(String id, String job, String trigger, String retryOf, SessionStatus status, Instant started,
        Instant finished, List<TaskRecord> tasks, List<GuestRecord> guests, String message) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(started, "started");
        tasks = List.copyOf(tasks == null ? List.of() : tasks);
        guests = List.copyOf(guests == null ? List.of() : guests);
        message = message == null ? "" : message;
    }

    public Optional<Duration> duration() {
        return finished == null ? Optional.empty() : Optional.of(Duration.between(started, finished));
    }

    public Optional<TaskRecord> task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
    }

    public long readBytes() {
        return tasks.stream().mapToLong(TaskRecord::readBytes).sum();
    }

    public long storedBytes() {
        return tasks.stream().mapToLong(TaskRecord::storedBytes).sum();
    }

    public long sizeBytes() {
        return tasks.stream().mapToLong(TaskRecord::sizeBytes).sum();
    }
}
