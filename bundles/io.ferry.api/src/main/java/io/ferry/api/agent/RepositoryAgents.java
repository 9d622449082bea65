package io.ferry.api.agent;

import io.ferry.api.repository.InitOptions;
import io.ferry.api.repository.Repository;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The repositories that repository agents hold (docs/agents.md, "Repository servers"). A managed
 * server whose enrolled agent reports a store address ({@link AgentCapabilities#storeAddress})
 * keeps its repositories on its own disks: the manager opens them over mutual TLS and unlocks
 * them here with the password, which never leaves the manager; chunks and manifests cross the
 * network sealed. The repository agent applies its own rules (append-only, lock dates) whoever asks.
 *
 * <p>Opening a repository is Ferry's own work: callers check the user's right first (the job
 * runner does).
 *
 * @since 1.1
 */
@ProviderType
public interface RepositoryAgents {

    /** Whether {@code server} has an enrolled agent that serves repositories. */
    boolean servesRepositories(String server);

    /**
     * Opens repository {@code name} on the agent of {@code server}, unlocked with {@code password}
     * (the caller zeroes it afterwards). When the agent has no such repository and {@code create}
     * is given, it is made with these options first (key material made here, only the sealed
     * config and wrapped key file are sent).
     *
     * @throws io.ferry.api.NotFoundException when there is no such repository and {@code create} is null
     * @throws AgentLostException when the agent cannot be reached
     * @throws io.ferry.api.repository.RepositoryException as a local open would ({@code WRONG_PASSWORD}, ...)
     */
    Repository open(String server, String name, char[] password, InitOptions create);
}
