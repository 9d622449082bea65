package io.ferry.agent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.agent.internal.store.GrpcStoreLink;
import io.ferry.agent.internal.store.RepositoryAgentStore;
import io.ferry.agent.protocol.v1.StoreGrant;
import io.ferry.api.NotFoundException;
import io.ferry.api.agent.AgentCapabilities;
import io.ferry.api.agent.AgentLostException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupReader;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupWriter;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.PruneReport;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.repository.StoredChunk;
import io.ferry.pki.Fingerprints;
import io.ferry.repository.internal.RepositoryServiceImpl;
import io.ferry.repository.remote.ImmutableBackupException;
import io.ferry.repository.remote.KeyMaterial;
import io.ferry.repository.remote.RemoteRepositories;
import io.ferry.repository.remote.StoreRules;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository agent on 127.0.0.1 (its real store listener, mutual TLS, real repository files):
 * the manager creates and unlocks the jobs' repository there, a proxy's agent writes a backup
 * to it directly with the manager's grant, and the repository agent's own rules hold against
 * everyone (issue "Real proxies", item 3; seeds/002: proxy data mover to repository data mover).
 */
class RepositoryAgentTest {
    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    private static final InitOptions OPTIONS = new InitOptions(1 << 20, InitOptions.defaults().kdfIterations());
    private static final byte[] MARKER = "FERRY-PLAINTEXT-MARKER-7f3a".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private final TestCa ca = new TestCa("Test manager CA");
    private final InMemoryAgentRegistry registry = new InMemoryAgentRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();
    private RepositoryAgentStore store;
    private StoreListener listener;
    private AgentRepositories manager;

    @BeforeEach
    void startRepositoryAgent() throws Exception {
        AgentIdentity repo = ca.agent("repo-01", 1, tmp.resolve("repo-01"));
        store = new RepositoryAgentStore(tmp.resolve("repositories"), new StoreRules(false, 1, 3650), System::nanoTime);
        store.applyRules();
        listener = StoreListener.start("127.0.0.1", 0, repo, store, new RepositoryServiceImpl());
        open.add(listener);
        registry.enrolled("repo-01", Fingerprints.sha256(repo.certificate()), Instant.now().plusSeconds(86400));
        registry.heartbeat("repo-01", "127.0.0.1:40000", new AgentCapabilities("test", Protocol.CURRENT, "Linux", "",
                "", List.of(), 1L << 30, 2, "127.0.0.1:" + listener.port()), 0, Instant.now());
        manager = new AgentRepositories(registry, ca);
        open.add(manager);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The manager opens (creating it the first time) the jobs' repository on repo-01's agent. */
    private Repository openJobs() {
        Repository jobs = manager.open("repo-01", "jobs", PASSWORD, OPTIONS);
        open.add(jobs::close);
        return jobs;
    }

    private static byte[] disk() {
        byte[] data = new byte[(3 << 20) + 4096];
        new java.util.Random(42).nextBytes(data);
        for (int at = 0; at + MARKER.length < data.length; at += 65536) {
            System.arraycopy(MARKER, 0, data, at, MARKER.length); // compressible plaintext a grep would find
        }
        return data;
    }

    private static BackupInfo write(Repository repository, String disk, byte[] data) {
        try (BackupWriter writer = repository.startBackup(new BackupRequest(disk, "test", data.length, true, Map.of()))) {
            int chunk = writer.chunkSize();
            for (long index = 0; (long) index * chunk < data.length; index++) {
                int from = (int) (index * chunk);
                StoredChunk stored = writer.store(ByteBuffer.wrap(data, from, Math.min(chunk, data.length - from)));
                writer.put(index, Optional.of(stored.id()));
            }
            return writer.commit(data.length, "full");
        }
    }

    private static byte[] read(Repository repository, String id, int size) {
        byte[] out = new byte[size];
        try (BackupReader reader = repository.openBackup(id)) {
            int chunk = 1 << 20;
            for (long index = 0; (long) index * chunk < size; index++) {
                int from = (int) (index * chunk);
                ByteBuffer dst = ByteBuffer.wrap(out, from, Math.min(chunk, size - from));
                reader.read(reader.chunk(index).orElseThrow(), dst);
            }
        }
        return out;
    }

    /** A proxy's agent's store link to the repository agent, with its own certificate. */
    private GrpcStoreLink proxyLink(AgentIdentity proxy, String handle) {
        try {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", listener.port())
                    .sslContext(TlsContexts.agent(proxy.key(), List.of(proxy.certificate()),
                            ManagerTrust.repositoryAgent(proxy.ca(), "repo-01")))
                    .maxInboundMessageSize(GrpcStoreLink.MAX_MESSAGE_BYTES).build();
            GrpcStoreLink link = new GrpcStoreLink(channel, true, handle, Duration.ofSeconds(30));
            open.add(link);
            return link;
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StoreGrant grant(String handle, AgentIdentity proxy, long millis) {
        return StoreGrant.newBuilder().setHandle(handle).setServer("px-01")
                .setCertificateSha256(Fingerprints.sha256(proxy.certificate())).setRepository("jobs")
                .setValidForMillis(millis).build();
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aProxyWritesToTheRepositoryAgentWithTheManagersGrantAndTheManagerReadsItBack() throws Exception {
        assertTrue(manager.servesRepositories("REPO-01"));
        assertFalse(manager.servesRepositories("px-01"));
        assertEquals("The repository agent of repo-01 (127.0.0.1:" + listener.port() + ") holds no repository 'jobs'"
                + " yet", assertThrows(NotFoundException.class, () -> manager.open("repo-01", "jobs", PASSWORD, null))
                        .getMessage());
        Repository jobs = openJobs();
        AgentRepositories.Target target = manager.target(jobs).orElseThrow();
        assertEquals("jobs", target.name());

        AgentIdentity proxy = ca.agent("px-01", 1, tmp.resolve("px-01"));
        store.grant(grant("0123456789abcdef0123456789abcdef", proxy, 30_000));
        byte[] data = disk();
        BackupInfo written;
        try (KeyMaterial keys = KeyMaterial.fromBytes(target.keys().toBytes());
                Repository fromProxy = RemoteRepositories.open(proxyLink(proxy, "0123456789abcdef0123456789abcdef"),
                        keys)) {
            written = write(fromProxy, "vm-01/disk-0", data);
        }

        assertArrayEquals(data, read(jobs, written.id(), data.length), "the manager restores what the proxy wrote");
        Path dir = tmp.resolve("repositories").resolve("jobs");
        for (Path file : files(dir)) {
            byte[] bytes = Files.readAllBytes(file);
            assertEquals(-1, indexOf(bytes, MARKER), "plaintext in the repository agent's file " + file);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
        assertTrue(Files.exists(dir.resolve("store-policy.properties")), "the agent's rules are in the new repository");
    }

    @Test
    void withoutAGrantOrWithAnotherCertificateAProxyIsRefusedAndItMayNeverDeleteOrPrune() throws Exception {
        Repository jobs = openJobs();
        AgentIdentity proxy = ca.agent("px-01", 1, tmp.resolve("px-01"));
        AgentIdentity impostor = ca.agent("px-01", 1, tmp.resolve("px-01-again")); // same name, other key

        RepositoryException none = refused(() -> proxyLink(proxy, "no-such-handle-000000").images().join());
        assertTrue(none.getMessage().contains("was refused by the repository server: the agent of px-01 holds no grant"
                + " for repository handle"), none.getMessage());

        String handle = "fedcba9876543210fedcba9876543210";
        store.grant(grant(handle, proxy, 30_000));
        RepositoryException other = refused(() -> proxyLink(impostor, handle).images().join());
        assertTrue(other.getMessage().contains("holds no grant"), other.getMessage());

        GrpcStoreLink granted = proxyLink(proxy, handle);
        assertFalse(granted.images().join().config().isEmpty(), "the granted proxy reads the repository");
        for (Runnable refused : List.<Runnable>of(() -> granted.deleteBackup("x").join(),
                () -> granted.prune(List.of(), true).join())) {
            RepositoryException e = refused(refused);
            assertTrue(e.getMessage().contains("may not create, delete from or prune"), e.getMessage());
        }

        store.revoke(handle);
        assertTrue(refused(() -> granted.images().join()).getMessage().contains("holds no grant"), "revoked");
        store.grant(grant(handle, proxy, 0));
        assertTrue(refused(() -> granted.images().join()).getMessage().contains("holds no grant"), "expired");
    }

    @Test
    void theRepositoryAgentsLockHoldsAgainstTheManagersPruneAndDelete() throws Exception {
        Repository jobs = openJobs();
        byte[] data = disk();
        BackupInfo first = write(jobs, "vm-01/disk-0", data);
        data[0] ^= 1;
        BackupInfo second = write(jobs, "vm-01/disk-0", data);

        // keep the newest only: the older one is locked for a day by the repository agent's own rule
        PruneReport report = jobs.prune(new RetentionPolicy(1, 0, 0, 0), false, io.ferry.api.repository.ProgressListener.NONE);
        assertFalse(report.removedBackups().contains(first.id()), report.toString());
        assertEquals(java.util.Set.of(first.id(), second.id()), jobs.backups().stream().map(BackupInfo::id)
                .collect(java.util.stream.Collectors.toSet()), "the locked backup is kept");

        GrpcStoreLink managerLink = new GrpcStoreLink(channelAsManager(), true, "jobs", Duration.ofSeconds(30));
        open.add(managerLink);
        Throwable refused = assertThrows(java.util.concurrent.CompletionException.class,
                () -> managerLink.deleteBackup(first.id()).join()).getCause();
        assertTrue(refused instanceof ImmutableBackupException, String.valueOf(refused));
        assertTrue(refused.getMessage().contains("is immutable until"), refused.getMessage());
        assertEquals(2, jobs.backups().size(), "nothing deleted");
    }

    @Test
    void theRepositoryServersOwnPruneRemovesWhatAnAbandonedUploadLeftAndKeepsEveryBackup() throws Exception {
        Repository jobs = openJobs();
        byte[] kept = disk();
        BackupInfo committed = write(jobs, "vm-01/disk-0", kept);
        Path chunks = tmp.resolve("repositories/jobs/chunks");
        long before = files(chunks).size();

        // an upload that ends without its commit (its task failed or its proxy was killed)
        byte[] other = new byte[70 << 20]; // more chunks than one "missing" batch: uploads start before the commit
        new java.util.Random(7).nextBytes(other);
        try (BackupWriter writer = jobs.startBackup(new BackupRequest("vm-02/disk-0", "test", other.length, true,
                Map.of()))) {
            for (int i = 0; i < 70; i++) {
                writer.store(ByteBuffer.wrap(other, i << 20, 1 << 20));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (files(chunks).size() <= before + 32 && System.nanoTime() < deadline) {
                Thread.sleep(100); // the first batch's uploads land
            }
        }
        // uploads in flight when the writer gave up may still land after its session ended: wait
        // until the chunk directory stays the same for a second (what a prune hours later would see)
        long quiet = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int seen = -1;
        while (System.nanoTime() < quiet && files(chunks).size() != seen) {
            seen = files(chunks).size();
            Thread.sleep(1000);
        }
        assertTrue(files(chunks).size() > before, "the abandoned upload left chunk files");

        List<RepositoryAgentStore.Collected> done = store.collectGarbage(new RepositoryServiceImpl(),
                Duration.ofMinutes(1));

        assertEquals(1, done.size());
        assertEquals(null, done.get(0).skipped());
        assertEquals(files(chunks).size(), before, "only the unreferenced chunk files went");
        assertTrue(done.get(0).chunks() > 0);
        assertEquals(List.of(committed.id()), jobs.backups().stream().map(BackupInfo::id).toList());
        assertArrayEquals(kept, read(jobs, committed.id(), kept.length));
    }

    @Test
    void theManagerTrustsOnlyTheNamedServersAgentAtAStoreAddress() {
        // the registry says repo-02 serves at repo-01's listener: the certificate does not match, nothing is sent
        registry.enrolled("repo-02", "ab".repeat(32), Instant.now().plusSeconds(86400));
        registry.heartbeat("repo-02", "127.0.0.1:40001", new AgentCapabilities("test", Protocol.CURRENT, "Linux", "",
                "", List.of(), 1L << 30, 2, "127.0.0.1:" + listener.port()), 0, Instant.now());
        RepositoryException e = assertThrows(RepositoryException.class,
                () -> manager.open("repo-02", "jobs", PASSWORD, OPTIONS));
        assertTrue(e.getMessage().contains("UNAVAILABLE"), e.getMessage());
        assertTrue(e.getMessage().contains("refusing to take it for the repository agent of repo-02"), e.getMessage());
        assertEquals(List.of(), store.root().toFile().list() == null ? List.of()
                : Arrays.asList(store.root().toFile().list()), "no repository was created");
        assertThrows(AgentLostException.class, () -> manager.open("px-09", "jobs", PASSWORD, OPTIONS));
    }

    private ManagedChannel channelAsManager() throws javax.net.ssl.SSLException {
        return NettyChannelBuilder.forAddress("127.0.0.1", listener.port())
                .sslContext(TlsContexts.managerClient(ca.serverKeyManagers(),
                        ManagerTrust.repositoryAgent(ca.caCertificate(), "repo-01")))
                .build();
    }

    private static RepositoryException refused(Runnable call) {
        Throwable t = assertThrows(java.util.concurrent.CompletionException.class, call::run).getCause();
        assertTrue(t instanceof RepositoryException, String.valueOf(t));
        return (RepositoryException) t;
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
