package io.ferry.api.selection;

import java.util.List;

/** Today's plan, the plan under a scenario, and what changed. */
public record WhatIf(Scenario scenario, Plan before, Plan after, List<PlanChange> changes) {
    public WhatIf {
        changes = List.copyOf(changes);
    }
}
