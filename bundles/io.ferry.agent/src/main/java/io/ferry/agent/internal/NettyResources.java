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

    static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
    }
}
