package io.ferry.jobs.internal;

import io.ferry.api.FerryException;
import io.ferry.api.agent.RepositoryAgents;
import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryException;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.security.Caller;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repositories jobs write to. A job names a server with the REPOSITORY role; its
 * repository is the directory {@code <root>/<server name>} on this machine, encrypted with
 * the password in {@code passwordFile}. Both are created on first use: the password file
 * with a random password (readable by the owner only, 0600), the repository with
 * {@code init}. Keep the password file: without it the backups cannot be read.
 *
 * <p>Open repositories are kept (opening derives the key with PBKDF2, about a second) and
 * closed by {@link #close()}.
 */
final class JobRepositories implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRepositories.class);
    private static final int PASSWORD_BYTES = 24;
    /** The name of the jobs' repository on a repository agent. */
    static final String AGENT_REPOSITORY = "jobs";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final RepositoryService service;
    private final Path root;
    private final Path passwordFile;
    private final InitOptions initOptions;
    private final SecureRandom random = new SecureRandom();
    /** The open repository of each repository server, and whether its agent holds it. */
    private record Opened(Repository repository, boolean onAgent) {
    }

    private final Map<String, Opened> open = new HashMap<>();
    /** Repositories replaced after their server's agent came or went: still used by runs that started before. */
    private final List<Repository> retired = new ArrayList<>();
    private volatile RepositoryAgents agents;
    private boolean closed;

    JobRepositories(RepositoryService service, Path root, Path passwordFile, InitOptions initOptions) {
        this.service = Objects.requireNonNull(service, "service");
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile").toAbsolutePath().normalize();
        this.initOptions = Objects.requireNonNull(initOptions, "initOptions");
    }

    Path root() {
        return root;
    }

    Path passwordFile() {
        return passwordFile;
    }

    /**
     * Repository servers with an agent that serves repositories keep the jobs' repository on
     * their own disks (null: none, every job repository is under {@link #root()}).
     */
    void agents(RepositoryAgents agents) {
        this.agents = agents;
    }

    /** The agent that holds the repository of {@code server}, if one does. */
    private Optional<RepositoryAgents> agentOf(String server) {
        RepositoryAgents a = agents;
        return a != null && a.servesRepositories(server) ? Optional.of(a) : Optional.empty();
    }

    /**
     * Whether the jobs have stored to {@code server} yet: its repository exists here, or on the
     * server's repository agent.
     */
    boolean exists(String server) {
        boolean onAgent = agentOf(server).isPresent();
        synchronized (this) {
            Opened cached = open.get(server);
            if (cached != null && cached.onAgent() == onAgent) {
                return true;
            }
        }
        if (onAgent) {
            try {
                open(server, false);
                return true;
            } catch (io.ferry.api.NotFoundException e) {
                return false;
            }
        }
        return Files.isRegularFile(directory(server).resolve("config"));
    }

    /** Where the repository of {@code server} is, for messages. */
    String location(String server) {
        return location(server, agentOf(server).isPresent());
    }

    private String location(String server, boolean onAgent) {
        return onAgent ? "repository " + AGENT_REPOSITORY + " on the repository agent of " + server
                : directory(server).toString();
    }

    /** The directory of the repository on {@code server}. */
    Path directory(String server) {
        return root.resolve(server);
    }

    /**
     * The open repository on {@code server}, created and initialised on first use. Opening and
     * creating a job's repository is Ferry's own work ({@link Caller#asSystem}): the caller's right
     * to run the job or restore from it was checked by the job runner.
     */
    Repository open(String server) {
        return open(server, true);
    }

    private Repository open(String server, boolean create) {
        return Caller.asSystem(() -> openAsSystem(server, create));
    }

    private synchronized Repository openAsSystem(String server, boolean create) {
        if (closed) {
            throw new FerryException("The job runner is stopping; repository " + server + " is closed");
        }
        Optional<RepositoryAgents> agent = agentOf(server);
        Opened cached = open.get(server);
        if (cached != null && cached.onAgent() == agent.isPresent()) {
            return cached.repository();
        }
        if (cached != null) {
            // the server's repository agent was enrolled (or removed) since: from now on its runs store there
            LOG.info("Repository server {} {}: its jobs' repository is now {}", server, agent.isPresent()
                    ? "has a repository agent" : "no longer has a repository agent",
                    location(server, agent.isPresent()));
            retired.add(cached.repository());
        }
        Repository repository;
        char[] password = password();
        try {
            if (agent.isPresent()) {
                repository = agent.get().open(server, AGENT_REPOSITORY, password, create ? initOptions : null);
            } else {
                Path dir = directory(server);
                if (!Files.exists(dir.resolve("config"))) {
                    initialise(server, dir, password);
                }
                repository = service.open(dir, password);
            }
        } catch (RepositoryException e) {
            if (e.reason() == RepositoryException.Reason.WRONG_PASSWORD) {
                throw new RepositoryException(e.reason(), "The password in " + passwordFile + " does not open the"
                        + " repository of " + server + " (" + location(server, agent.isPresent()) + "): put back the"
                        + " password file it was created with", e);
            }
            throw e;
        } finally {
            Arrays.fill(password, '\0');
        }
        open.put(server, new Opened(repository, agent.isPresent()));
        return repository;
    }

    /** Closes every open repository. */
    @Override
    public synchronized void close() {
        closed = true;
        List<Repository> all = new ArrayList<>(retired);
        open.values().forEach(o -> all.add(o.repository()));
        for (Repository r : all) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing repository {} failed", r, e);
            }
        }
        open.clear();
        retired.clear();
    }

    private void initialise(String server, Path dir, char[] password) {
        if (Files.isDirectory(dir) && !isEmpty(dir)) {
            throw new RepositoryException(RepositoryException.Reason.NOT_A_REPOSITORY, "The repository directory of "
                    + server + ", " + dir + ", is not empty but holds no Ferry repository: move its content away"
                    + " (or set repository.root in io.ferry.jobs to another directory)");
        }
        LOG.info("Creating the repository of {} at {} (password in {})", server, dir, passwordFile);
        service.init(dir, password, initOptions);
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new FerryException("Cannot list repository directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The repository password: the first line of the password file, created at random when missing. */
    private char[] password() {
        try {
            if (!Files.exists(passwordFile)) {
                createPasswordFile();
            }
            String text = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (text.isEmpty()) {
                throw new FerryException("The repository password file " + passwordFile + " is empty: put the"
                        + " password of the job repositories on its first line");
            }
            return text.toCharArray();
        } catch (IOException e) {
            throw new FerryException("Cannot read the repository password file " + passwordFile + ": "
                    + e.getMessage() + " (it must be readable by the user running Ferry)", e);
        }
    }

    private void createPasswordFile() throws IOException {
        byte[] secret = new byte[PASSWORD_BYTES];
        random.nextBytes(secret);
        byte[] line = (Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Arrays.fill(secret, (byte) 0);
        Path parent = passwordFile.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = passwordFile.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (SeekableByteChannel out = Files.newByteChannel(passwordFile,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
            out.write(ByteBuffer.wrap(line));
        } catch (FileAlreadyExistsException e) {
            return; // created concurrently by another Ferry process: use that one
        } finally {
            Arrays.fill(line, (byte) 0);
        }
        LOG.info("Created the repository password file {} (mode 0600); keep a copy: backups cannot be read"
                + " without it", passwordFile);
    }
}
