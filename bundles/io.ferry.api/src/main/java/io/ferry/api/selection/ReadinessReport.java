package io.ferry.api.selection;

import io.ferry.api.inventory.RoleType;
import java.util.List;

/** Whether a server meets the requirements of one of its roles. */
public record ReadinessReport(String server, RoleType role, List<CheckResult> results) {
    public ReadinessReport {
        results = List.copyOf(results);
    }

    /**
     * No requirement {@linkplain CheckResult#failed() failed}; unmet warnings and information
     * do not count (since 1.1; in 1.0 every unmet requirement counted).
     */
    public boolean ready() {
        return results.stream().noneMatch(CheckResult::failed);
    }
}
