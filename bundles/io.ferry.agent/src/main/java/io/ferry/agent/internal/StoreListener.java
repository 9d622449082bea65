package io.ferry.agent.internal;

import io.ferry.agent.internal.store.RepositoryAgentStore;
import io.ferry.agent.internal.store.StoreService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository agent's listener: serves {@code RepositoryStore} to the manager and to the
 * proxies' agents over mutual TLS (TLS 1.3, the agent's own certificate; a client certificate
 * of the same CA is required). Who may do what is {@link RepositoryAgentStore}'s business;
 * this only says who calls: {@code OU=manager} is the manager, {@code OU=agent} the agent of
 * the certificate's common name (with its fingerprint, which the manager's grants name).
 */
final class StoreListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreListener.class);

    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService executor;
    private final StoreService service;

    private StoreListener(Server server, EventLoopGroup boss, EventLoopGroup workers, ExecutorService executor,
            StoreService service) {
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.executor = executor;
        this.service = service;
    }

    /** Listens on {@code host:port} (0: any free port) with the agent's identity; the caller closes it. */
    static StoreListener start(String host, int port, AgentIdentity identity, RepositoryAgentStore access,
            io.ferry.repository.remote.RepositoryStores stores) throws IOException {
        Objects.requireNonNull(access, "access");
        String address = host + ":" + port;
        StoreService service = new StoreService(access, stores,
                () -> RepositoryAgentStore.PEER.get() == null ? "?" : RepositoryAgentStore.PEER.get().describe());
        EventLoopGroup boss = NettyResources.eventLoops(1, "ferry-store-accept");
        EventLoopGroup workers = NettyResources.eventLoops(2, "ferry-store-io");
        ExecutorService executor = Executors.newFixedThreadPool(4, NettyResources.daemonThreads("ferry-store"));
        try {
            Server server = NettyResources.server(host, port, boss, workers, executor, TlsContexts.store(identity))
                    .addService(ServerInterceptors.intercept(service, new CallerCheck(identity.ca())))
                    .build()
                    .start();
            LOG.info("Serving the repositories in {} on {} (mutual TLS 1.3 by {})", access.root(), address,
                    TlsContexts.implementation());
            return new StoreListener(server, boss, workers, executor, service);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            NettyResources.shutdown(boss);
            NettyResources.shutdown(workers);
            throw new IOException("cannot serve repositories on " + address + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** Names the caller from its certificate (the TLS layer already checked it is the CA's). */
    private static final class CallerCheck implements ServerInterceptor {
        private final X509Certificate ca;

        CallerCheck(X509Certificate ca) {
            this.ca = ca;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            X509Certificate certificate = PeerCertificates.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            RepositoryAgentStore.Peer peer = certificate == null || !PeerCertificates.issuedBy(certificate, ca) ? null
                    : peer(certificate);
            if (peer == null) {
                call.close(Status.UNAUTHENTICATED.withDescription("a repository server serves only the manager and"
                        + " the agents of its CA (mutual TLS)"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            return Contexts.interceptCall(Context.current().withValue(RepositoryAgentStore.PEER, peer), call, headers,
                    next);
        }

        private static RepositoryAgentStore.Peer peer(X509Certificate certificate) {
            String name = io.ferry.pki.Certificates.commonName(certificate).orElse("");
            String fingerprint = io.ferry.pki.Fingerprints.sha256(certificate);
            if (io.ferry.pki.Certificates.isManager(certificate)) {
                return new RepositoryAgentStore.Peer(true, name, fingerprint);
            }
            if (io.ferry.pki.Certificates.isAgent(certificate) && !name.isEmpty()) {
                return new RepositoryAgentStore.Peer(false, name, fingerprint);
            }
            return null;
        }
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        service.close();
        executor.shutdownNow();
        NettyResources.shutdown(boss);
        NettyResources.shutdown(workers);
    }
}
