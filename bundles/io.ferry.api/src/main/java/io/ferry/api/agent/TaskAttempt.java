package io.ferry.api.agent;

import java.util.Objects;

/**
 * One attempt at one task of a session: the key of a {@link TaskLeases lease} and of the
 * task's result. A retry of the task (on another proxy, or after a lost agent) is a new attempt
 * with a higher number; a result of an older attempt is refused.
 *
 * @param sessionId the session the task belongs to
 * @param taskId    the task's id within the session
 * @param attempt   1 for the first attempt
 */
public record TaskAttempt(String sessionId, String taskId, int attempt) {

    public TaskAttempt {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(taskId, "taskId");
        if (sessionId.isBlank() || taskId.isBlank()) {
            throw new IllegalArgumentException("a task attempt needs a session id and a task id");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt + " of task " + taskId + ": attempts count from 1");
        }
    }

    @Override
    public String toString() {
        return sessionId + "/" + taskId + "#" + attempt;
    }
}
