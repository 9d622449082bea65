package io.ferry.agent.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Ferry agent (control channel to the manager)",
        description = "An enrolled agent's connection to its manager")
public @interface AgentClientConfig {

    @AttributeDefinition(description = "The directory ferry agent enroll wrote (agent.key, agent.crt, ca.crt,"
            + " agent.properties)")
    String dir();

    @AttributeDefinition(name = "scratch.dir", description = "Directory whose free space the agent reports"
            + " (default: the agent directory)")
    String scratch_dir() default "";

    @AttributeDefinition(name = "task.slots", description = "How many tasks the agent runs at once")
    int task_slots() default 2;

    @AttributeDefinition(name = "store.listen", description = "A repository server's agent: HOST:PORT where it"
            + " serves its repositories to the manager and the proxies' agents (mutual TLS). Empty: the agent serves"
            + " no repositories")
    String store_listen() default "";

    @AttributeDefinition(name = "store.advertised.address", description = "HOST:PORT the manager and proxies dial"
            + " for store.listen (default: store.listen itself)")
    String store_advertised_address() default "";

    @AttributeDefinition(name = "store.dir", description = "Where a repository agent keeps its repositories"
            + " (default: repositories/ next to the agent directory's data)")
    String store_dir() default "";

    @AttributeDefinition(name = "store.append.only", description = "Refuse every delete and prune of backups,"
            + " whoever asks (the manager included)")
    boolean store_append_only() default false;

    @AttributeDefinition(name = "store.min.lock.days", description = "Every backup stored here is immutable for at"
            + " least this many days after it is written: delete and prune refused before, whoever asks")
    int store_min_lock_days() default 0;

    @AttributeDefinition(name = "store.max.lock.days", description = "The longest lock a backup may ask for")
    int store_max_lock_days() default 3650;

    @AttributeDefinition(name = "store.prune.hours", description = "A repository agent's own prune: every N hours"
            + " it deletes the chunk files that no backup references in its repositories (never a backup). 0: never")
    int store_prune_hours() default 24;

    @AttributeDefinition(name = "source.address", description = "The address of this machine the agent's"
            + " connections (to the manager, to repository agents) come from; empty: the system's choice")
    String source_address() default "";
}
