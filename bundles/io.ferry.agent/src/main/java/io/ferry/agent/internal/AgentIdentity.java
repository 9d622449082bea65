package io.ferry.agent.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * What enrollment left in the agent's directory: {@value #KEY} (its private key, PKCS#8 PEM,
 * owner-only), {@value #CERTIFICATE} (its certificate), {@value #CA} (the manager's CA
 * certificate) and {@value #PROPERTIES} ({@code manager=HOST:PORT}, {@code server=NAME}).
 */
public record AgentIdentity(String server, String managerHost, int managerPort, PrivateKey key,
        X509Certificate certificate, X509Certificate ca) {
    public static final String KEY = "agent.key";
    public static final String CERTIFICATE = "agent.crt";
    public static final String CA = "ca.crt";
    public static final String PROPERTIES = "agent.properties";

    public AgentIdentity {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(managerHost, "managerHost");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(ca, "ca");
    }

    /**
     * Reads an enrolled agent's directory.
     *
     * @throws IOException naming the missing or unreadable file (and that the agent must be enrolled)
     */
    public static AgentIdentity load(Path dir) throws IOException {
        for (String name : List.of(KEY, CERTIFICATE, CA, PROPERTIES)) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new IOException("the agent is not enrolled: " + dir.resolve(name) + " is missing (run ./ferry"
                        + " agent enroll --manager HOST:PORT --token TOKEN)");
            }
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        String server = properties.getProperty("server", "").strip();
        if (server.isEmpty()) {
            throw new IOException(dir.resolve(PROPERTIES) + " names no server (server=NAME)");
        }
        HostPort manager;
        try {
            manager = HostPort.parse(properties.getProperty("manager", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(PROPERTIES) + ": manager: " + e.getMessage(), e);
        }
        return new AgentIdentity(server, manager.host(), manager.port(), io.ferry.pki.Pem.readPrivateKey(dir.resolve(KEY)),
                io.ferry.pki.Pem.readCertificate(dir.resolve(CERTIFICATE)),
                io.ferry.pki.Pem.readCertificate(dir.resolve(CA)));
    }
}
