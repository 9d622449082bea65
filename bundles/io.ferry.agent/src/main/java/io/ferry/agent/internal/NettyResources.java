package io.ferry.agent.internal;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Netty event loops owned by one endpoint or client: plain NIO (no epoll native library to
 * extract from a bundle), daemon threads with names that say whose they are.
 */
final class NettyResources {
    private NettyResources() {
    }

    static EventLoopGroup eventLoops(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, daemonThreads(name), NioIoHandler.newFactory());
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Connections from {@code address} (an IP of this machine, any port): an agent's "site" when
     * several agents share a machine, or the one interface a multi-homed proxy must use. Blank:
     * the system chooses.
     */
    static io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder fromSource(
            io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder builder, String address) {
        if (address == null || address.isBlank()) {
            return builder;
        }
        java.net.InetSocketAddress local = new java.net.InetSocketAddress(address.strip(), 0);
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("source address '" + address + "' is not an address of this machine");
        }
        return builder.localSocketPicker(new io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.LocalSocketPicker() {
            @Override
            public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote,
                    io.grpc.Attributes attributes) {
                return local;
            }
        });
    }

    /**
     * A server for agents' calls, with what the manager's endpoint and a repository agent's store
     * listener both need: a TLS handshake deadline, messages as large as a sealed chunk or
     * manifest, the store's flow-control window, and keep-alives that let agents ping every 30 s
     * (AgentClient; the default minimum of 5 min would make the server drop them with "too many
     * pings").
     */
    static io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder server(String host, int port, EventLoopGroup boss,
            EventLoopGroup workers, java.util.concurrent.Executor executor,
            io.grpc.netty.shaded.io.netty.handler.ssl.SslContext tls) {
        return io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress(host, port))
                .channelType(io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(executor)
                .sslContext(tls)
                .handshakeTimeout(15, TimeUnit.SECONDS)
                .maxInboundMessageSize(io.ferry.agent.internal.store.GrpcStoreLink.MAX_MESSAGE_BYTES)
                .flowControlWindow(io.ferry.agent.internal.store.GrpcStoreLink.FLOW_CONTROL_WINDOW)
                .permitKeepAliveTime(20, TimeUnit.SECONDS)
                .keepAliveTime(60, TimeUnit.SECONDS)
                .keepAliveTimeout(20, TimeUnit.SECONDS);
    }

    /**
     * A channel to a {@code RepositoryStore} endpoint (the manager's or a repository agent's):
     * messages as large as a sealed chunk, the store's flow-control window, from
     * {@code sourceAddress} when one is given ({@link #fromSource}).
     */
    static io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder storeChannel(HostPort store,
            EventLoopGroup eventLoops, io.grpc.netty.shaded.io.netty.handler.ssl.SslContext tls, String sourceAddress) {
        return fromSource(io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(store.host(),
                store.port()), sourceAddress)
                .channelType(io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel.class)
                .eventLoopGroup(eventLoops)
                .sslContext(tls)
                .maxInboundMessageSize(io.ferry.agent.internal.store.GrpcStoreLink.MAX_MESSAGE_BYTES)
                .flowControlWindow(io.ferry.agent.internal.store.GrpcStoreLink.FLOW_CONTROL_WINDOW);
    }

    static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
    }
}
