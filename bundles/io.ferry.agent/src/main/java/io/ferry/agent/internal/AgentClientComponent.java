package io.ferry.agent.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * An enrolled agent's control channel (configuration PID {@code io.ferry.agent.client}, only
 * with a configuration: a manager has none). Hands the manager's messages to the
 * {@link ManagerMessageHandler} service when there is one (task execution), else runs nothing.
 */
@Component(service = AgentClientComponent.class, configurationPid = "io.ferry.agent.client",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = AgentClientConfig.class)
public final class AgentClientComponent {
    private final AgentClient client;

    private final TaskExecutor executor;

    /**
     * With the local data mover and disk sources (an agent installation has them) the agent
     * runs the manager's tasks ({@link TaskExecutor}); otherwise a {@link ManagerMessageHandler}
     * service, if any, gets the messages.
     */
    @Activate
    public AgentClientComponent(AgentClientConfig config, BundleContext context,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ManagerMessageHandler handler,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            io.ferry.api.mover.DataMover mover,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            io.ferry.api.mover.DiskSources sources) throws IOException {
        Path dir = Path.of(config.dir().strip());
        AgentIdentity identity = AgentIdentity.load(dir);
        Path scratch = config.scratch_dir().isBlank() ? dir : Path.of(config.scratch_dir().strip());
        AgentClient.Settings defaults = AgentClient.Settings.defaults(scratch, context.getBundle().getVersion()
                .toString());
        AgentClient.Settings settings = new AgentClient.Settings(scratch, config.task_slots(),
                defaults.ferryVersion(), List.of(), defaults.initialBackoff(), defaults.maxBackoff(),
                defaults.welcomeTimeout());
        AgentClient[] self = new AgentClient[1];
        this.executor = mover == null || sources == null ? null
                : new TaskExecutor(mover, sources, identity, m -> self[0] != null && self[0].send(m),
                        config.task_slots());
        ManagerMessageHandler messages = executor != null ? executor
                : handler == null ? ManagerMessageHandler.NONE : handler;
        this.client = new AgentClient(identity, settings, messages);
        self[0] = client;
        client.start();
    }

    /** The running client: for task execution to report progress and results. */
    public AgentClient client() {
        return client;
    }

    @Deactivate
    void deactivate() {
        if (executor != null) {
            executor.close();
        }
        client.close();
    }
}
