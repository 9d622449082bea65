package io.ferry.api.session;

/**
 * OSGi EventAdmin topics and properties the job runner posts (asynchronously), so that
 * other bundles (a web console, notifications) can follow runs without polling.
 * Every event has {@link #SESSION} and {@link #JOB}; task events add {@link #TASK} and
 * {@link #STATUS}; progress events add {@link #DONE_BYTES}, {@link #TOTAL_BYTES},
 * {@link #BYTES_PER_SECOND}.
 */
public final class SessionEvents {

    public static final String TOPIC_PREFIX = "io/ferry/session/";
    /** A session started. */
    public static final String STARTED = TOPIC_PREFIX + "STARTED";
    /** A task or a guest processing stage changed state. */
    public static final String TASK_CHANGED = TOPIC_PREFIX + "TASK_CHANGED";
    /** Progress of a running task (at most a few per second per task). */
    public static final String PROGRESS = TOPIC_PREFIX + "PROGRESS";
    /** A session finished (any final status). */
    public static final String FINISHED = TOPIC_PREFIX + "FINISHED";
    /** All of the above: {@code io/ferry/session/*}. */
    public static final String ALL = TOPIC_PREFIX + "*";

    public static final String SESSION = "session";
    public static final String JOB = "job";
    public static final String TASK = "task";
    public static final String STATUS = "status";
    public static final String DONE_BYTES = "done.bytes";
    public static final String TOTAL_BYTES = "total.bytes";
    public static final String BYTES_PER_SECOND = "bytes.per.second";
    public static final String MESSAGE = "message";

    private SessionEvents() {
    }
}
