package io.ferry.pki.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * One real TLS 1.3 connection on 127.0.0.1 between JDK sockets: the client writes a byte, the
 * server echoes it. Every step has a deadline (15 s).
 */
final class TlsHandshake {
    private static final int DEADLINE_MILLIS = 15_000;

    /** What each side saw: null errors mean the byte went through. */
    record Outcome(Exception clientError, Exception serverError, X509Certificate clientCertificate) {
        boolean succeeded() {
            return clientError == null && serverError == null;
        }
    }

    private TlsHandshake() {
    }

    static SSLContext context(KeyManagerFactory keys, TrustManagerFactory trust) throws GeneralSecurityException {
        return context(keys, trust == null ? null : trust.getTrustManagers());
    }

    static SSLContext context(KeyManagerFactory keys, TrustManager[] trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
        return context;
    }

    /**
     * @param endpointIdentification the client checks the server's certificate names 127.0.0.1
     */
    static Outcome run(SSLContext server, boolean needClientAuth, SSLContext client, boolean endpointIdentification)
            throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(needClientAuth);
            listener.setSoTimeout(DEADLINE_MILLIS);
            Future<X509Certificate> accepted = executor.submit(() -> serve(listener));
            Exception clientError = null;
            try {
                connect(client, listener.getLocalPort(), endpointIdentification);
            } catch (IOException e) {
                clientError = e;
            }
            Exception serverError = null;
            X509Certificate clientCertificate = null;
            try {
                clientCertificate = accepted.get(DEADLINE_MILLIS * 2L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                serverError = (Exception) e.getCause();
            }
            return new Outcome(clientError, serverError, clientCertificate);
        } finally {
            executor.shutdownNow();
        }
    }

    private static X509Certificate serve(SSLServerSocket listener) throws IOException {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(DEADLINE_MILLIS);
            socket.startHandshake();
            int b = socket.getInputStream().read();
            if (b < 0) {
                throw new IOException("the client closed the connection");
            }
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            var peers = socket.getSession().getPeerCertificates();
            return (X509Certificate) peers[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static void connect(SSLContext client, int port, boolean endpointIdentification) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), DEADLINE_MILLIS);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
            socket.setSoTimeout(DEADLINE_MILLIS);
            if (endpointIdentification) {
                var parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
            // TLS 1.3: the server judges the client's certificate after the client's handshake is done,
            // so its refusal shows at the first read
            socket.getOutputStream().write(42);
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() != 42) {
                throw new IOException("the server did not echo the byte");
            }
        }
    }
}
