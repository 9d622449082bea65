package io.ferry.agent.internal.store;

import io.ferry.agent.protocol.v1.StoreGrant;
import io.ferry.api.ValidationException;
import io.ferry.repository.remote.RepositoryStore;
import io.ferry.repository.remote.StoreRules;
import io.grpc.Context;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository agent's repositories and who may use them: its repositories are the directories
 * under one root, named by the manager ({@code [a-z0-9][a-z0-9._-]{0,63}}). The manager (its
 * certificate, {@code OU=manager}) may create, read, write, delete from and prune any of them;
 * a proxy's agent only the repository of a task it runs, for as long as the manager's grant
 * lasts, and only with the certificate the grant names. Whatever the manager asks, the store's
 * own rules ({@link StoreRules}, from this agent's configuration, written into every repository
 * at start and at creation) decide what may be deleted.
 */
public final class RepositoryAgentStore implements StoreAccess {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryAgentStore.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** The longest grant the manager may give at once (it renews them while the task runs). */
    static final Duration MAX_GRANT = Duration.ofMinutes(10);

    /** Who calls, from the TLS session: the manager, or the agent of {@code server} with that certificate. */
    public record Peer(boolean manager, String server, String fingerprint) {
        public Peer {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(fingerprint, "fingerprint");
        }

        /** The caller, for messages: "the manager" or "the agent of SERVER". */
        public String describe() {
            return manager ? "the manager" : "the agent of " + server;
        }
    }

    /** The caller of the call running on this thread (set by the store listener's certificate check). */
    public static final Context.Key<Peer> PEER = Context.key("ferry-store-peer");

    private record Grant(String server, String fingerprint, String repository, long expiresNanos) {
    }

    private final Path root;
    private final StoreRules rules;
    private final LongSupplier nanos;
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();

    public RepositoryAgentStore(Path root, StoreRules rules, LongSupplier nanos) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.rules = Objects.requireNonNull(rules, "rules");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
    }

    public Path root() {
        return root;
    }

    /**
     * Creates the root (owner only) and writes this agent's rules into every repository it
     * already holds: a changed configuration applies to old backups' future deletes too.
     */
    public void applyRules() throws IOException {
        Files.createDirectories(root);
        try {
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            LOG.debug("No POSIX permissions on {}", root);
        }
        for (Path dir : repositories()) {
            RepositoryStore.writeRules(dir, rules);
        }
    }

    /** The directories of the repositories this agent holds (those with a config), by name. */
    private java.util.List<Path> repositories() throws IOException {
        if (!Files.isDirectory(root)) {
            return java.util.List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("config"))).sorted().toList();
        }
    }

    @Override
    public void created(Path dir) {
        RepositoryStore.writeRules(dir, rules);
    }

    /** What one repository's own prune did. */
    public record Collected(String repository, long chunks, long bytes, String skipped) {
    }

    /**
     * The repository server's own prune, under its own configuration: in every repository it
     * holds, deletes the chunk files that no backup references any more (uploads of tasks that
     * failed or were killed before their commit, chunks of backups the manager pruned). It
     * deletes no backup; it waits for no one: a repository with sessions open is skipped until
     * the next time.
     */
    public java.util.List<Collected> collectGarbage(io.ferry.repository.remote.RepositoryStores stores,
            Duration timeout) throws IOException {
        java.util.List<Collected> done = new java.util.ArrayList<>();
        for (Path dir : repositories()) {
            String name = dir.getFileName().toString();
            try (RepositoryStore store = stores.openStore(dir)) {
                io.ferry.repository.remote.StorePruneResult r = store.prune(java.util.List.of(), false)
                        .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                done.add(new Collected(name, r.removedChunks(), r.freedBytes(), null));
                LOG.info("Repository {}: its own prune removed {} chunk files ({} bytes) that no backup references",
                        name, r.removedChunks(), r.freedBytes());
            } catch (java.util.concurrent.ExecutionException e) {
                String why = e.getCause() == null ? e.toString() : e.getCause().getMessage();
                done.add(new Collected(name, 0, 0, why));
                LOG.info("Repository {}: its own prune skipped this time: {}", name, why);
            } catch (java.util.concurrent.TimeoutException e) {
                done.add(new Collected(name, 0, 0, "not done within " + timeout.toSeconds() + " s"));
                LOG.warn("Repository {}: its own prune did not end within {} s", name, timeout.toSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                done.add(new Collected(name, 0, 0, e.getMessage()));
                LOG.warn("Repository {}: its own prune failed", name, e);
            }
        }
        return done;
    }

    /** Takes (or renews) a grant from the manager. */
    public void grant(StoreGrant grant) {
        String name = name(grant.getRepository());
        long millis = Math.max(0, Math.min(grant.getValidForMillis(), MAX_GRANT.toMillis()));
        if (grant.getHandle().length() < 16 || grant.getServer().isBlank() || grant.getCertificateSha256().isBlank()) {
            LOG.warn("Ignored a malformed store grant from the manager for {}", grant.getServer());
            return;
        }
        grants.put(grant.getHandle(), new Grant(grant.getServer(), grant.getCertificateSha256().toLowerCase(Locale.ROOT),
                name, nanos.getAsLong() + Duration.ofMillis(millis).toNanos()));
    }

    public void revoke(String handle) {
        grants.remove(handle);
    }

    @Override
    public Path directory(String handle) {
        Peer peer = peer();
        if (peer.manager()) {
            return root.resolve(name(handle));
        }
        Grant grant = handle == null ? null : grants.get(handle);
        long now = nanos.getAsLong();
        if (grant == null || now - grant.expiresNanos() > 0
                || !grant.server().equalsIgnoreCase(peer.server()) || !grant.fingerprint().equals(peer.fingerprint())) {
            if (grant != null && now - grant.expiresNanos() > 0) {
                grants.remove(handle, grant);
            }
            throw Status.PERMISSION_DENIED.withDescription(peer.describe() + " holds no grant for repository handle "
                    + handle + " on this repository server (the manager grants a repository to a proxy only while"
                    + " it runs a task writing to it)").asRuntimeException();
        }
        return root.resolve(grant.repository());
    }

    @Override
    public Path managed(String handle) {
        Peer peer = peer();
        if (!peer.manager()) {
            throw Status.PERMISSION_DENIED.withDescription(peer.describe() + " may not create, delete from or prune"
                    + " repositories of this repository server: only the manager may, and only as this server's"
                    + " own rules allow").asRuntimeException();
        }
        return root.resolve(name(handle));
    }

    private static Peer peer() {
        Peer peer = PEER.get();
        if (peer == null) {
            throw Status.UNAUTHENTICATED.withDescription("no certificate on this call").asRuntimeException();
        }
        return peer;
    }

    static String name(String repository) {
        if (repository == null || !NAME.matcher(repository).matches()) {
            throw new ValidationException("repository", "'" + repository + "' is not a repository name on a"
                    + " repository server: 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or"
                    + " digit");
        }
        return repository;
    }
}
