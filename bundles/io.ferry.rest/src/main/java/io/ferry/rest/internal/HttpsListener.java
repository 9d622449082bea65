package io.ferry.rest.internal;

import io.ferry.pki.ManagerCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Karaf's HTTP service (Pax Web, configuration PID {@value #PAX_WEB_PID}) serve HTTPS only,
 * with the manager's certificate: the key and chain the manager's CA gives the agent endpoint
 * ({@link ManagerCa#serverKeyManagers()}: names localhost, 127.0.0.1, ::1 and this host, signed
 * by the CA under {@code ${karaf.data}/ferry/ca/ca.crt}), copied into a PKCS#12 keystore under
 * {@code ${karaf.data}/ferry/rest/}. It sets the keystore settings and turns plain HTTP off; the
 * address and port ({@code org.ops4j.pax.web.listening.addresses}, default 127.0.0.1, and
 * {@code org.osgi.service.http.port.secure}, default 8443, in etc/org.ops4j.pax.web.cfg) are
 * the administrator's. Karaf writes the configuration back to that file, so a restart listens
 * at once. The certificate is checked twice a day: once the CA has renewed it, the keystore is
 * rewritten and Pax Web restarts its listener with it.
 */
@Component(immediate = true)
public final class HttpsListener {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsListener.class);
    static final String PAX_WEB_PID = "org.ops4j.pax.web";
    static final String HTTP_ENABLED = "org.osgi.service.http.enabled";
    static final String HTTPS_ENABLED = "org.osgi.service.http.secure.enabled";
    static final String KEYSTORE = "org.ops4j.pax.web.ssl.keystore";
    static final String KEYSTORE_PASSWORD = "org.ops4j.pax.web.ssl.keystore.password";
    static final String KEYSTORE_TYPE = "org.ops4j.pax.web.ssl.keystore.type";
    static final String KEY_PASSWORD = "org.ops4j.pax.web.ssl.key.password";
    static final String KEY_ALIAS = "org.ops4j.pax.web.ssl.key.alias";
    private static final long CHECK_HOURS = 12;

    private final ManagerCa ca;
    private final ConfigurationAdmin configurations;
    private final HttpsKeystore keystore;
    private final ScheduledExecutorService checker;

    @Activate
    public HttpsListener(@Reference ManagerCa ca, @Reference ConfigurationAdmin configurations) {
        this.ca = Objects.requireNonNull(ca, "ca");
        this.configurations = Objects.requireNonNull(configurations, "configurations");
        this.keystore = new HttpsKeystore(directory());
        apply();
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-rest-certificate");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::check, CHECK_HOURS, CHECK_HOURS, TimeUnit.HOURS);
    }

    @Deactivate
    void deactivate() {
        checker.shutdownNow();
    }

    private void check() {
        try {
            apply();
        } catch (RuntimeException e) {
            LOG.error("Cannot renew the HTTPS listener's keystore; it keeps serving the previous certificate", e);
        }
    }

    /** Writes the keystore of the manager's current certificate and points Pax Web at it. */
    synchronized void apply() {
        X509KeyManager keys = keyManager();
        String alias = serverAlias(keys);
        PrivateKey key = keys.getPrivateKey(alias);
        List<X509Certificate> chain = List.of(keys.getCertificateChain(alias));
        Path file = keystore.ensure(key, chain);
        try {
            String password = keystore.password();
            Map<String, Object> wanted = settings(file, password);
            Configuration configuration = configurations.getConfiguration(PAX_WEB_PID, "?");
            Dictionary<String, Object> current = configuration.getProperties();
            Dictionary<String, Object> updated = merged(current, wanted);
            ownerOnly(configurationFile());
            if (updated != null) {
                configuration.update(updated);
                LOG.info("HTTPS listener: certificate {} (serial {}), keystore {}",
                        chain.get(0).getSubjectX500Principal().getName(), chain.get(0).getSerialNumber().toString(16), file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot configure the HTTPS listener (" + PAX_WEB_PID + ")", e);
        }
    }

    /**
     * Karaf saves the configuration, keystore password included, into this file; it is made
     * readable by Ferry's user only (Karaf rewrites it in place, keeping the mode).
     */
    static Path configurationFile() {
        String etc = System.getProperty("karaf.etc");
        return etc == null ? null : Path.of(etc, PAX_WEB_PID + ".cfg");
    }

    private static void ownerOnly(Path file) throws IOException {
        if (file != null && Files.isRegularFile(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** The Pax Web settings this component owns. */
    static Map<String, Object> settings(Path keystoreFile, String password) {
        Map<String, Object> wanted = new LinkedHashMap<>();
        wanted.put(HTTP_ENABLED, "false");
        wanted.put(HTTPS_ENABLED, "true");
        wanted.put(KEYSTORE, keystoreFile.toAbsolutePath().toString());
        wanted.put(KEYSTORE_TYPE, HttpsKeystore.TYPE);
        wanted.put(KEYSTORE_PASSWORD, password);
        wanted.put(KEY_PASSWORD, password);
        wanted.put(KEY_ALIAS, HttpsKeystore.ALIAS);
        return wanted;
    }

    /** {@code current} with {@code wanted} set, or null when it already holds them (nothing to update). */
    static Dictionary<String, Object> merged(Dictionary<String, Object> current, Map<String, Object> wanted) {
        Dictionary<String, Object> result = new Hashtable<>();
        boolean changed = current == null;
        if (current != null) {
            for (var keys = current.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                result.put(k, current.get(k));
            }
        }
        for (Map.Entry<String, Object> e : wanted.entrySet()) {
            Object old = result.get(e.getKey());
            if (old == null || !String.valueOf(old).equals(String.valueOf(e.getValue()))) {
                changed = true;
            }
            result.put(e.getKey(), e.getValue());
        }
        return changed ? result : null;
    }

    private X509KeyManager keyManager() {
        for (KeyManager manager : ca.serverKeyManagers().getKeyManagers()) {
            if (manager instanceof X509KeyManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("The manager's CA gives no X.509 key manager for its endpoint");
    }

    private static String serverAlias(X509KeyManager keys) {
        for (String type : List.of("EC", "RSA")) {
            String[] aliases = keys.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                return aliases[0];
            }
        }
        throw new IllegalStateException("The manager's CA holds no EC or RSA server key");
    }

    /** {@code ${karaf.data}/ferry/rest}: the keystore, its password and the API tokens. */
    static Path directory() {
        String data = System.getProperty("karaf.data");
        if (data == null || data.isBlank()) {
            throw new IllegalStateException("karaf.data is not set: the HTTPS listener runs inside Karaf only");
        }
        return Path.of(data, "ferry", "rest");
    }
}
