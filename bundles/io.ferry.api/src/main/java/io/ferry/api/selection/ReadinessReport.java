package io.ferry.api.selection;

import io.ferry.api.inventory.RoleType;
import java.util.List;

/** Whether a server meets the requirements of one of its roles. */
public record ReadinessReport(String server, RoleType role, List<CheckResult> results) {
    public ReadinessReport {
        results = List.copyOf(results);
    }

    public boolean ready() {
        return results.stream().allMatch(CheckResult::ok);
    }
}
