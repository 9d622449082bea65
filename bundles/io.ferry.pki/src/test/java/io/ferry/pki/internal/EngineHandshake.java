package io.ferry.pki.internal;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A TLS handshake between two {@link SSLEngine}s in memory: the path Netty (and so gRPC) takes,
 * which calls the engine variants of the key and trust managers, not the socket ones.
 */
final class EngineHandshake {
    private static final int MAX_ROUNDS = 1000;

    private EngineHandshake() {
    }

    /** Runs the handshake; throws the first side's SSLException. */
    static void run(SSLContext serverContext, boolean needClientAuth, SSLContext clientContext,
            String endpointIdentification) throws SSLException {
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(needClientAuth);
        SSLEngine client = clientContext.createSSLEngine("127.0.0.1", 443);
        client.setUseClientMode(true);
        if (endpointIdentification != null) {
            var parameters = client.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(endpointIdentification);
            client.setSSLParameters(parameters);
        }
        int size = Math.max(server.getSession().getPacketBufferSize(), client.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size * 4);
        ByteBuffer toClient = ByteBuffer.allocate(size * 4);
        ByteBuffer app = ByteBuffer.allocate(size * 4);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            step(client, empty, toServer, toClient, app);
            step(server, empty, toClient, toServer, app);
            if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
                return;
            }
        }
        throw new SSLException("no handshake after " + MAX_ROUNDS + " rounds");
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    /** One move of {@code engine}: run tasks, read what the peer sent, write what it has to send. */
    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
            throws SSLException {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        in.flip();
        while (in.hasRemaining()) {
            int before = in.remaining();
            engine.unwrap(in, app);
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
            if (in.remaining() == before) {
                break;
            }
        }
        in.compact();
        app.clear();
        engine.wrap(empty, out);
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
