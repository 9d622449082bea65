package io.ferry.pki.internal;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/**
 * Key and trust manager factories around managers Ferry made itself: what SSLContext users
 * (the JDK, Netty, gRPC) take. They need no {@code init}; calling it changes nothing.
 */
public final class ManagerFactories {
    private static final String ALGORITHM = "Ferry";
    // Netty asks a factory for its provider; the JCA constructors accept none
    private static final Provider PROVIDER = new Provider("Ferry", "1.0", "Ferry's TLS key and trust managers") {
        private static final long serialVersionUID = 1L;
    };

    private ManagerFactories() {
    }

    public static KeyManagerFactory keyManagerFactory(KeyManager keyManager) {
        return new KeyManagerFactory(new KeyManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore keyStore, char[] password) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters parameters) {
            }

            @Override
            protected KeyManager[] engineGetKeyManagers() {
                return new KeyManager[] {keyManager};
            }
        }, PROVIDER, ALGORITHM) {
        };
    }

    public static TrustManagerFactory trustManagerFactory(TrustManager trustManager) {
        return new TrustManagerFactory(new TrustManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore keyStore) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters parameters) {
            }

            @Override
            protected TrustManager[] engineGetTrustManagers() {
                return new TrustManager[] {trustManager};
            }
        }, PROVIDER, ALGORITHM) {
        };
    }
}
