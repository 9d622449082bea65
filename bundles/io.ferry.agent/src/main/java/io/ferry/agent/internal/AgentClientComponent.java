package io.ferry.agent.internal;

import io.ferry.agent.internal.store.RepositoryAgentStore;
import io.ferry.repository.remote.StoreRules;
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
    private final GuestSockets guests;
    private final StoreListener store;
    private final java.util.concurrent.ScheduledExecutorService storePrune;

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
            io.ferry.api.mover.DiskSources sources,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            io.ferry.repository.remote.RepositoryStores stores,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            io.ferry.api.paths.PathPolicy paths) throws IOException {
        Path dir = Path.of(config.dir().strip());
        AgentIdentity identity = AgentIdentity.load(dir);
        Path scratch = config.scratch_dir().isBlank() ? dir : Path.of(config.scratch_dir().strip());
        AgentClient.Settings defaults = AgentClient.Settings.defaults(scratch, context.getBundle().getVersion()
                .toString());
        AgentClient.Settings settings = new AgentClient.Settings(scratch, config.task_slots(),
                defaults.ferryVersion(), List.of(), defaults.initialBackoff(), defaults.maxBackoff(),
                defaults.welcomeTimeout()).withSourceAddress(config.source_address());
        RepositoryAgentStore repositories = null;
        if (!config.store_listen().isBlank()) {
            HostPort listen = HostPort.parse(config.store_listen());
            if (stores == null) {
                throw new IOException("store.listen is set but the repository bundle is not running: this agent cannot"
                        + " serve repositories");
            }
            Path root = config.store_dir().isBlank()
                    ? Path.of(System.getProperty("karaf.data", dir.toString()), "ferry", "repositories")
                    : Path.of(config.store_dir().strip());
            repositories = new RepositoryAgentStore(root, new StoreRules(config.store_append_only(),
                    config.store_min_lock_days(), config.store_max_lock_days()), System::nanoTime);
            // every setting is checked before anything listens: a refused configuration leaves no port bound
            HostPort advertised = config.store_advertised_address().isBlank() ? null
                    : HostPort.parse(config.store_advertised_address());
            repositories.applyRules();
            this.store = StoreListener.start(listen.host(), listen.port(), identity, repositories, stores);
            settings = settings.withStoreAddress((advertised != null ? advertised
                    : new HostPort(listen.host(), store.port())).toString());
            this.storePrune = schedulePrune(repositories, stores, config.store_prune_hours());
        } else {
            this.store = null;
            this.storePrune = null;
        }
        AgentClient[] self = new AgentClient[1];
        TaskExecutor tasksHere = mover == null || sources == null ? null
                : new TaskExecutor(mover, sources, identity, m -> self[0] != null && self[0].send(m),
                        config.task_slots(), config.source_address());
        ManagerMessageHandler tasks = tasksHere != null ? tasksHere
                : handler == null ? ManagerMessageHandler.NONE : handler;
        GuestSockets guestsHere = new GuestSockets(paths, m -> self[0] != null && self[0].send(m),
                java.time.Duration.ofSeconds(10));
        self[0] = new AgentClient(identity, settings, messages(tasks, repositories, guestsHere));
        try {
            self[0].start();
        } catch (IOException | RuntimeException e) {
            // activation fails: nothing of this attempt may stay (DS activates again later, on the same port)
            self[0].close();
            if (tasksHere != null) {
                tasksHere.close();
            }
            guestsHere.close();
            closeStore();
            throw e;
        }
        this.guests = guestsHere;
        this.executor = tasksHere;
        this.client = self[0];
    }

    private static java.util.concurrent.ScheduledExecutorService schedulePrune(RepositoryAgentStore repositories,
            io.ferry.repository.remote.RepositoryStores stores, int hours) {
        if (hours <= 0) {
            return null;
        }
        java.util.concurrent.ScheduledExecutorService executor = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(NettyResources.daemonThreads("ferry-store-prune"));
        executor.scheduleWithFixedDelay(() -> {
            try {
                repositories.collectGarbage(stores, java.time.Duration.ofHours(1));
            } catch (IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(AgentClientComponent.class).warn("The repositories' own prune"
                        + " failed", e);
            }
        }, hours, hours, java.util.concurrent.TimeUnit.HOURS);
        return executor;
    }

    /**
     * The manager's messages: grants to the repository store (a repository agent's), guest
     * channels to the guest sockets, everything else to task execution.
     */
    static ManagerMessageHandler messages(ManagerMessageHandler tasks, RepositoryAgentStore repositories,
            GuestSockets guests) {
        return new ManagerMessageHandler() {
            @Override
            public void assigned(io.ferry.agent.protocol.v1.TaskAssignment assignment) {
                tasks.assigned(assignment);
            }

            @Override
            public void cancelled(io.ferry.agent.protocol.v1.CancelTask cancel) {
                tasks.cancelled(cancel);
            }

            @Override
            public List<io.ferry.agent.protocol.v1.TaskRef> running() {
                return tasks.running();
            }

            @Override
            public void welcomed(io.ferry.agent.protocol.v1.Welcome welcome) {
                tasks.welcomed(welcome);
            }

            @Override
            public void disconnected(String reason) {
                guests.disconnected(reason);
                tasks.disconnected(reason);
            }

            @Override
            public void granted(io.ferry.agent.protocol.v1.StoreGrant grant) {
                if (repositories != null) {
                    repositories.grant(grant);
                }
            }

            @Override
            public void revoked(io.ferry.agent.protocol.v1.StoreRevoke revoke) {
                if (repositories != null) {
                    repositories.revoke(revoke.getHandle());
                }
            }

            @Override
            public void guestOpen(io.ferry.agent.protocol.v1.GuestOpen open) {
                guests.open(open);
            }

            @Override
            public void guestData(io.ferry.agent.protocol.v1.GuestData data) {
                guests.data(data);
            }

            @Override
            public void guestClose(io.ferry.agent.protocol.v1.GuestClose close) {
                guests.close(close);
            }
        };
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
        guests.close();
        closeStore();
    }

    private void closeStore() {
        if (storePrune != null) {
            storePrune.shutdownNow();
        }
        if (store != null) {
            store.close();
        }
    }
}
