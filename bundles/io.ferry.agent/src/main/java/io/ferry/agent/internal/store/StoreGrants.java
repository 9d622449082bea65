package io.ferry.agent.internal.store;

import io.grpc.Status;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which agent may use which repository through the manager's store service, and for how long:
 * the dispatcher grants the repository of a task to the agent of the task's proxy under an
 * unguessable handle, and revokes it when the task ends. A call naming a handle that was not
 * granted to the caller's certificate is refused, so an agent can reach only the repository
 * of a task it runs, never a path of its choosing.
 */
public final class StoreGrants {

    /** One granted repository. */
    public record Grant(String handle, String server, Path directory) {
        public Grant {
            Objects.requireNonNull(handle, "handle");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(directory, "directory");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();

    /** A new unguessable repository handle: 128 random bits in hex (here, and in a repository agent's grants). */
    public static String newHandle() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Grants {@code directory} to the agent of {@code server}; returns the handle to put in the task. */
    public Grant grant(String server, Path directory) {
        Grant grant = new Grant(newHandle(), server, directory);
        grants.put(grant.handle(), grant);
        return grant;
    }

    public void revoke(Grant grant) {
        grants.remove(grant.handle(), grant);
    }

    /**
     * The grant of {@code handle} for the agent of {@code server}.
     *
     * @throws io.grpc.StatusRuntimeException PERMISSION_DENIED otherwise
     */
    Grant check(String handle, String server) {
        Grant grant = handle == null ? null : grants.get(handle);
        if (grant == null || !grant.server().toLowerCase(Locale.ROOT).equals(server.toLowerCase(Locale.ROOT))) {
            throw Status.PERMISSION_DENIED.withDescription("the agent of " + server + " holds no grant for repository"
                    + " handle " + handle + " (a repository is served to an agent only while it runs a task writing"
                    + " to it)").asRuntimeException();
        }
        return grant;
    }

    /**
     * The manager's store access for agents: sessions on granted handles only; creating,
     * deleting and pruning the manager's repositories is the manager's own work, never an agent's.
     *
     * @param caller the managed server of the calling agent (its certificate's name)
     */
    public StoreAccess access(java.util.function.Supplier<String> caller) {
        return new StoreAccess() {
            @Override
            public Path directory(String handle) {
                return check(handle, caller.get()).directory();
            }

            @Override
            public Path managed(String handle) {
                throw Status.PERMISSION_DENIED.withDescription("the agent of " + caller.get() + " may not create,"
                        + " delete from or prune the manager's repositories: the manager applies retention to them"
                        + " itself").asRuntimeException();
            }
        };
    }

    int size() {
        return grants.size();
    }
}
