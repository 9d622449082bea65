package io.ferry.shell.internal.login;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the local operator's login when Ferry starts without one ({@link LocalAdminLogin}
 * in Karaf's {@code etc} directory, system property {@code karaf.etc}). Karaf's login modules
 * read {@code users.properties} and {@code keys.properties} at every login, so the new user
 * can log in at once.
 */
@Component(immediate = true, service = {})
public final class FirstStartLogin {
    private static final Logger LOG = LoggerFactory.getLogger(FirstStartLogin.class);

    @Activate
    void activate() throws IOException {
        String etc = System.getProperty("karaf.etc");
        if (etc == null || etc.isBlank()) {
            LOG.warn("karaf.etc is not set: no local admin login created (log in with a user of your own)");
            return;
        }
        Path dir = Path.of(etc);
        LocalAdminLogin.Created created = new LocalAdminLogin(dir).ensure();
        if (created.password()) {
            LOG.info("Created the user {} with a random password, in {} (0600)", LocalAdminLogin.USER,
                    dir.resolve(LocalAdminLogin.PASSWORD_FILE));
        }
        if (created.key()) {
            LOG.info("Created an SSH key for {}: {} (0600); log in with bin/client -u {} -k {}", LocalAdminLogin.USER,
                    dir.resolve(LocalAdminLogin.KEY_FILE), LocalAdminLogin.USER, dir.resolve(LocalAdminLogin.KEY_FILE));
        }
    }
}
