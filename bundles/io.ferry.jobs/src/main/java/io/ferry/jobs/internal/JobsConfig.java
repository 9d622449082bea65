package io.ferry.jobs.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the job runner, PID {@code io.ferry.jobs} ({@code etc/io.ferry.jobs.cfg}). */
@ObjectClassDefinition(name = "Ferry job runner", description = "Where job repositories live, how often"
        + " schedules are refreshed and how often progress events are posted.")
@interface JobsConfig {

    @AttributeDefinition(name = "Repository root", description = "Directory holding one repository per"
            + " repository server, <root>/<server name>. ${name} is replaced by the system property name.")
    String repository_root() default "${karaf.data}/ferry/repositories";

    @AttributeDefinition(name = "Repository password file", description = "File whose first line is the"
            + " password of the job repositories; created with a random password (mode 0600) when missing."
            + " Keep a copy: backups cannot be read without it.")
    String repository_password_file() default "${karaf.etc}/ferry-repository.password";

    @AttributeDefinition(name = "Schedule refresh (s)", description = "How often job definitions are re-read"
            + " to follow schedule changes.")
    int schedule_refresh_seconds() default 30;

    @AttributeDefinition(name = "Progress events (ms)", description = "Least time between two PROGRESS events"
            + " of one task.")
    int progress_event_millis() default 250;

    @AttributeDefinition(name = "Catalog directory", description = "Directory of the catalog (the embedded H2"
            + " inventory); a job is not started when its file system has less than catalog.min.free.mb free."
            + " Empty: no check (catalog on PostgreSQL). ${name} is replaced by the system property name.")
    String catalog_directory() default "${karaf.data}/ferry";

    @AttributeDefinition(name = "Catalog free space (MiB)", description = "Least free space on the catalog's"
            + " file system for a job to start; 0 turns the check off.")
    long catalog_min_free_mb() default 1024;
}
