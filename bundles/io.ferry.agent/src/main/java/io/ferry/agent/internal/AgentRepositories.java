package io.ferry.agent.internal;

import io.ferry.agent.internal.store.GrpcStoreLink;
import io.ferry.api.NotFoundException;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentInfo;
import io.ferry.api.agent.AgentLostException;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.agent.RepositoryAgents;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.security.Caller;
import io.ferry.repository.remote.KeyMaterial;
import io.ferry.repository.remote.RemoteRepositories;
import io.ferry.repository.remote.RepositoryImages;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's side of repository agents ({@link RepositoryAgents}): finds a server's store
 * address in the agent registry (its agent reports it with every heartbeat), calls it over
 * mutual TLS with the manager's certificate (trusting only that server's agent certificate),
 * creates a repository there from images made here, and unlocks it here. Remembers which open
 * repository lives where, so that a task writing to it can be granted to a proxy's agent
 * ({@link TaskDispatcher}) with the key material it needs.
 */
public final class AgentRepositories implements RepositoryAgents, AgentListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRepositories.class);
    /** Every call to a repository agent has a deadline. */
    static final Duration CALL_DEADLINE = Duration.ofMinutes(2);

    /** Where an open repository lives, and its key material for the tasks writing to it. */
    record Target(String server, String name, String address, KeyMaterial keys) {
    }

    private final AgentRegistry registry;
    private final ManagerTls tls;
    private final EventLoopGroup eventLoops = NettyResources.eventLoops(2, "ferry-repository-agents");
    private final Map<String, ManagedChannel> channels = new HashMap<>();
    private final Map<Repository, Target> targets = Collections.synchronizedMap(new WeakHashMap<>());
    private boolean closed;

    public AgentRepositories(AgentRegistry registry, ManagerTls tls) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tls = Objects.requireNonNull(tls, "tls");
    }

    @Override
    public boolean servesRepositories(String server) {
        return storeAddress(server).isPresent();
    }

    private Optional<String> storeAddress(String server) {
        String name = server == null ? "" : server.strip().toLowerCase(Locale.ROOT);
        return Caller.asSystem(registry::agents).stream()
                .filter(a -> a.server().toLowerCase(Locale.ROOT).equals(name))
                .map(AgentInfo::capabilities).flatMap(Optional::stream)
                .filter(AgentCapabilities::servesRepositories).map(AgentCapabilities::storeAddress).findFirst();
    }

    @Override
    public Repository open(String server, String name, char[] password, InitOptions create) {
        Objects.requireNonNull(password, "password");
        String address = storeAddress(server).orElseThrow(() -> new AgentLostException("the agent of " + server
                + " serves no repositories (no store address in its heartbeats): enroll it with --store-listen, or"
                + " start it"));
        ManagedChannel channel = channel(server, address);
        // the first calls fail at once when the agent cannot be reached (or is not who it should be)
        RepositoryImages images;
        try (GrpcStoreLink probe = new GrpcStoreLink(channel, false, name, CALL_DEADLINE)) {
            images = images(probe, server, name, address, password, create);
        }
        // the repository's own link outlives a restart of the agent: its calls wait for it (within their deadline)
        GrpcStoreLink link = new GrpcStoreLink(channel, false, name, CALL_DEADLINE, true);
        KeyMaterial keys = KeyMaterial.unlock(images, password);
        try {
            Repository repository = RemoteRepositories.open(link, keys);
            targets.put(repository, new Target(server, name, address, keys));
            LOG.info("Opened repository {} on the repository agent of {} at {}", name, server, address);
            return repository;
        } catch (RuntimeException e) {
            keys.close();
            link.close();
            throw e;
        }
    }

    private static RepositoryImages images(GrpcStoreLink link, String server, String name, String address,
            char[] password, InitOptions create) {
        try {
            return await(link.images(), "read repository " + name + " on " + server);
        } catch (RepositoryException e) {
            if (e.reason() != RepositoryException.Reason.NOT_A_REPOSITORY) {
                throw e;
            }
            if (create == null) {
                throw new NotFoundException("The repository agent of " + server + " (" + address + ") holds no"
                        + " repository '" + name + "' yet");
            }
        }
        RepositoryImages made = RemoteRepositories.newImages(password, create);
        try {
            await(link.create(made), "create repository " + name + " on " + server);
            LOG.info("Created repository {} on the repository agent of {} at {}", name, server, address);
            return made;
        } catch (RepositoryException e) {
            if (e.reason() != RepositoryException.Reason.ALREADY_EXISTS) {
                throw e;
            }
            // made at the same time by another open: use that one
            return await(link.images(), "read repository " + name + " on " + server);
        }
    }

    /** Where {@code repository} lives, when one of this service's opens returned it. */
    Optional<Target> target(Repository repository) {
        return Optional.ofNullable(targets.get(repository));
    }

    private synchronized ManagedChannel channel(String server, String address) {
        if (closed) {
            throw new AgentLostException("the manager's agent endpoint is stopping");
        }
        String key = server.toLowerCase(Locale.ROOT) + "@" + address;
        ManagedChannel channel = channels.get(key);
        if (channel != null && !channel.isShutdown()) {
            return channel;
        }
        HostPort store = HostPort.parse(address);
        try {
            channel = NettyResources.storeChannel(store, eventLoops, TlsContexts.managerClient(tls.serverKeyManagers(),
                    ManagerTrust.repositoryAgent(tls.caCertificate(), server)), "")
                    .keepAliveTime(60, TimeUnit.SECONDS)
                    .keepAliveTimeout(20, TimeUnit.SECONDS)
                    .build();
        } catch (SSLException e) {
            throw new RepositoryException(RepositoryException.Reason.IO, "cannot set up TLS to the repository agent"
                    + " of " + server + " at " + address + ": " + e.getMessage(), e);
        }
        channels.put(key, channel);
        return channel;
    }

    private static <T> T await(CompletableFuture<T> call, String what) {
        try {
            return call.get(CALL_DEADLINE.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException(RepositoryException.Reason.CANCELLED, "interrupted while waiting to " + what);
        } catch (TimeoutException e) {
            throw new RepositoryException(RepositoryException.Reason.IO, "the repository agent did not answer within "
                    + CALL_DEADLINE.toSeconds() + " s when asked to " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r
                    : new RepositoryException(RepositoryException.Reason.IO, "cannot " + what + ": " + cause, cause);
        }
    }

    /**
     * A repository agent is back on its control channel: its store is back too, so the links to
     * it reconnect now rather than after gRPC's growing backoff.
     */
    @Override
    public void connected(AgentChannel agent) {
        String prefix = agent.server().toLowerCase(Locale.ROOT) + "@";
        synchronized (this) {
            channels.forEach((key, channel) -> {
                if (key.startsWith(prefix)) {
                    channel.resetConnectBackoff();
                }
            });
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow();
        }
        channels.clear();
        synchronized (targets) {
            for (Target t : targets.values()) {
                t.keys().close();
            }
            targets.clear();
        }
        NettyResources.shutdown(eventLoops);
    }
}
