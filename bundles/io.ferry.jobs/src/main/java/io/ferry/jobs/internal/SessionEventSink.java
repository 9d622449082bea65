package io.ferry.jobs.internal;

import java.util.Map;

/**
 * Where the job runner posts its events ({@link io.ferry.api.session.SessionEvents} topics
 * and properties): the OSGi EventAdmin when one is installed, nowhere otherwise. Posting is
 * asynchronous and never fails the run.
 */
@FunctionalInterface
interface SessionEventSink {

    SessionEventSink NONE = (topic, properties) -> { };

    void post(String topic, Map<String, Object> properties);
}
