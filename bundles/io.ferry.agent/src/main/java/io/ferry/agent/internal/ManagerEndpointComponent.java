package io.ferry.agent.internal;

import io.ferry.api.agent.AgentRegistry;
import io.ferry.agent.internal.store.StoreGrants;
import io.ferry.agent.internal.store.StoreService;
import io.ferry.api.agent.AgentTasks;
import io.ferry.api.agent.RepositoryAgents;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.agent.DiskBackupOrder;
import io.ferry.api.agent.EnrollmentEndpoint;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.repository.remote.RepositoryStores;
import java.time.Clock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The manager's agent endpoint as a service (configuration PID {@code io.ferry.agent.manager}).
 * Waits for the agent registry (catalog) and the manager's TLS material (CA): it stays
 * unsatisfied until both are there.
 */
@Component(service = {AgentConnections.class, EnrollmentEndpoint.class, AgentTasks.class, RepositoryAgents.class,
        io.ferry.api.agent.GuestChannels.class},
        configurationPid = "io.ferry.agent.manager",
        immediate = true)
@Designate(ocd = ManagerEndpointConfig.class)
public final class ManagerEndpointComponent implements AgentConnections, EnrollmentEndpoint, AgentTasks,
        RepositoryAgents, io.ferry.api.agent.GuestChannels {
    private final ManagerEndpoint endpoint;
    private final AgentRepositories repositoryAgents;
    private final StoreService store;
    private final TaskDispatcher dispatcher;
    private final GuestRelays guests;
    private final String caFingerprint;
    private final String address;

    @Activate
    public ManagerEndpointComponent(ManagerEndpointConfig config, @Reference AgentRegistry registry,
            @Reference ManagerTls tls, @Reference RepositoryStores stores) throws IOException {
        ManagerEndpoint.Settings settings = new ManagerEndpoint.Settings(config.host().strip(), config.port(),
                Duration.ofSeconds(config.heartbeat_seconds()), Duration.ofSeconds(config.lease_seconds()),
                Duration.ofDays(config.certificate_days()));
        StoreGrants grants = new StoreGrants();
        this.store = new StoreService(grants.access(ManagerEndpoint::callerServer), stores,
                () -> "agent of " + ManagerEndpoint.callerServer());
        this.endpoint = new ManagerEndpoint(settings, tls, registry).withAgentService(store).start();
        this.caFingerprint = io.ferry.pki.Fingerprints.sha256(tls.caCertificate());
        String advertised = config.advertised_address().strip();
        this.address = advertised.isEmpty() ? new HostPort(settings.host(), endpoint.port()).toString() : advertised;
        this.repositoryAgents = new AgentRepositories(registry, tls);
        this.dispatcher = new TaskDispatcher(this, registry, grants, stores, repositoryAgents, () -> address,
                settings.lease(), Clock.systemUTC());
        this.guests = new GuestRelays(this, dispatcher::enrolled);
        endpoint.addListener(dispatcher);
        endpoint.addListener(repositoryAgents);
        endpoint.addListener(guests);
    }

    @Override
    public boolean enrolled(String server) {
        return dispatcher.enrolled(server);
    }

    @Override
    public boolean connected(String server) {
        return dispatcher.connected(server);
    }

    @Override
    public BackupInfo backUpDisk(String server, DiskBackupOrder order, Repository repository,
            ProgressListener listener) {
        return dispatcher.backUpDisk(server, order, repository, listener);
    }

    @Override
    public java.nio.channels.ByteChannel open(String server, java.nio.file.Path socket, Duration timeout) {
        return guests.open(server, socket, timeout);
    }

    @Override
    public boolean servesRepositories(String server) {
        return repositoryAgents.servesRepositories(server);
    }

    @Override
    public Repository open(String server, String name, char[] password, InitOptions create) {
        return repositoryAgents.open(server, name, password, create);
    }

    @Override
    public String caFingerprint() {
        return caFingerprint;
    }

    @Override
    public String address() {
        return address;
    }

    @Deactivate
    void deactivate() {
        endpoint.removeListener(dispatcher);
        endpoint.removeListener(repositoryAgents);
        endpoint.removeListener(guests);
        endpoint.close();
        store.close();
        repositoryAgents.close();
    }

    /** The port the endpoint listens on. */
    public int port() {
        return endpoint.port();
    }

    @Override
    public Optional<AgentChannel> connection(String server) {
        return endpoint.connection(server);
    }

    @Override
    public List<String> connected() {
        return endpoint.connected();
    }

    @Override
    public void addListener(AgentListener listener) {
        endpoint.addListener(listener);
    }

    @Override
    public void removeListener(AgentListener listener) {
        endpoint.removeListener(listener);
    }
}
