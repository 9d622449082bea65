package io.ferry.api.spi;

import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.selection.CheckResult;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** Requirements a server must meet for a role, reported by {@code ferry:check}. */
@ConsumerType
public interface ReadinessCheck {

    /** Check name, e.g. {@code offhost-proxy-requirements}. */
    String name();

    /** The role it checks. */
    RoleType role();

    /** One result per requirement; called only for servers holding {@link #role()}. */
    List<CheckResult> check(ManagedServer server, InventorySnapshot inventory);
}
