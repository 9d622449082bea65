package io.ferry.inventory.internal;

import io.ferry.api.inventory.HostKind;
import java.util.Optional;
import java.util.Set;

/** What the inventory rules need to know about the rest of the inventory. */
interface RuleContext {

    /** True if at least one Hyper-V host or cluster is in the inventory. */
    boolean hyperVHostExists();

    boolean serverExists(String name);

    Optional<HostKind> hostKind(String name);

    /** Lower-case names of the storage a VM on {@code host} can use: the host's own and its parent's. */
    Set<String> storageVisibleFrom(String host);
}
