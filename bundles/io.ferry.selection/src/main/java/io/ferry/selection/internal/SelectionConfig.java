package io.ferry.selection.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.ferry.selection} ({@code etc/io.ferry.selection.cfg}); the defaults need none. */
@ObjectClassDefinition(name = "Ferry selection", description = "How the selection service plans: threads and how"
        + " much explanation large plans carry.")
@interface SelectionConfig {

    @AttributeDefinition(name = "Planner threads", description = "Threads that scan the candidates of large plans"
            + " (256 VMs or more); 0 for one per processor, 1 to plan on the calling thread only")
    int planner_threads() default 0;

    @AttributeDefinition(name = "Full explanation limit", description = "A plan whose decisions would list at most"
            + " this many candidates in total lists every candidate of every decision; a larger plan lists the chosen"
            + " server and the next two for each choice, and every candidate only for decisions nobody qualifies for")
    int explain_full_candidates() default Planner.DEFAULT_FULL_CANDIDATE_LIMIT;
}
