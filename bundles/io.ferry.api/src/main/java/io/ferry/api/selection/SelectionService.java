package io.ferry.api.selection;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.job.JobSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Chooses guest interaction proxies, backup proxies and transport modes, and explains why,
 * with the rules of the core and of every installed plugin.
 */
@ProviderType
public interface SelectionService {

    /** The plan for a saved job on today's inventory. */
    Plan planJob(String jobNameOrId, Load load);

    /** The plan for one VM as an automatic job with guest processing would treat it. */
    Plan planVm(String vmNameOrId, Load load);

    /**
     * The pure planner: the same input always gives the same plan.
     *
     * @param failedTransportModes transport mode ids to treat as unavailable
     */
    Plan plan(JobSpec job, InventorySnapshot inventory, Load load, Set<String> failedTransportModes);

    /** Plans a job or VM today and under {@code scenario}, and lists the differences. */
    WhatIf whatIf(String jobOrVm, Scenario scenario, Load load);

    /** Readiness of one server (or all) for each role it holds. */
    List<ReadinessReport> check(Optional<String> server);

    /**
     * The installed plugins and what they contribute, by bundle name: every bundle that
     * registers plugin SPI services, and (since 1.1) every bundle that declares such services
     * or imports {@code io.ferry.api.spi} but is refused by the resolver or not started, with
     * the reason in words.
     */
    List<PluginInfo> plugins();
}
