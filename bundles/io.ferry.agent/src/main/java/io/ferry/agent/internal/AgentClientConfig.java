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
}
