package io.ferry.rest.internal;

import java.util.Objects;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs in against a JAAS realm of Karaf ({@code karaf}: the users and groups of
 * etc/users.properties, the same login as the SSH shell). Karaf installs the JAAS configuration
 * that knows its realms and boot-delegates its login module's package, so a plain
 * {@link LoginContext} finds them.
 */
final class JaasAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JaasAuthenticator.class);

    private final String realm;

    JaasAuthenticator(String realm) {
        this.realm = Objects.requireNonNull(realm, "realm");
    }

    Optional<Subject> login(BasicCredentials credentials) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the login module is found through the context class loader: ours sees Karaf's boot-delegated classes
        thread.setContextClassLoader(JaasAuthenticator.class.getClassLoader());
        try {
            LoginContext login = new LoginContext(realm, subject, callbacks -> {
                for (Callback callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(credentials.user());
                    } else if (callback instanceof PasswordCallback password) {
                        password.setPassword(credentials.password().toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            login.login();
            return Optional.of(subject);
        } catch (LoginException e) {
            LOG.debug("REST login of user '{}' refused: {}", credentials.user(), e.getMessage());
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
