package io.ferry.api.session;

import io.ferry.api.repository.Progress;
import java.util.Objects;

/**
 * Live progress of a running task (not persisted; see {@link SessionService#progress}).
 *
 * @param taskId   the task
 * @param status   its state
 * @param progress bytes done / total, rate, ETA (null while queued)
 */
public record TaskProgress(String taskId, TaskStatus status, Progress progress) {
    public TaskProgress {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(status, "status");
    }
}
