package io.ferry.pki.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager with one identity, read from a supplier at every handshake: the manager's
 * endpoint serves a renewed certificate from the next connection on, without a restart.
 */
public final class SingleKeyManager extends X509ExtendedKeyManager {
    static final String ALIAS = "ferry";

    /** A key and the certificate chain that goes with it, leaf first. */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {
        public Identity {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a key needs its certificate");
            }
        }
    }

    private final Supplier<Identity> identity;

    public SingleKeyManager(Supplier<Identity> identity) {
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** Our alias if the key is of one of the types the handshake can use, else null (JSSE then tries others). */
    private String aliasFor(String... keyTypes) {
        String algorithm = identity.get().key().getAlgorithm();
        return keyTypes != null && Arrays.asList(keyTypes).contains(algorithm) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    // A handshake that reads the chain just before a renewal and the key just after fails (the
    // key does not sign for the chain) and the peer reconnects: once a year, for one connection.
    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? identity.get().chain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? identity.get().key() : null;
    }
}
