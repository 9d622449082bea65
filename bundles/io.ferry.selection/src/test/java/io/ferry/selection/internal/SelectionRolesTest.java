package io.ferry.selection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.inventory.RoleType;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.FerryRole;
import io.ferry.api.selection.Load;
import java.security.Principal;
import java.security.PrivilegedAction;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

/** select/explain, check and plugins are ferry-viewer reads: a viewer may, a user without a Ferry role may not. */
class SelectionRolesTest {
    private static final String NET = "10.0.1.0/24";

    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    @SuppressWarnings("removal")
    private static <T> T as(String user, String role, Supplier<T> work) {
        Subject subject = new Subject(true, new HashSet<>(List.of(new UserPrincipal(user), new RolePrincipal(role))),
                Set.of(), Set.of());
        return Subject.doAs(subject, (PrivilegedAction<T>) work::get);
    }

    private static Map<String, Supplier<?>> reads(WhiteboardSelectionService s) {
        Map<String, Supplier<?>> calls = new LinkedHashMap<>();
        calls.put("select", () -> s.planVm("app-01", Load.NONE));
        calls.put("check", () -> s.check(Optional.empty()));
        calls.put("plugins", s::plugins);
        return calls;
    }

    @Test
    void aViewerPlansChecksAndListsPluginsAndAUserWithoutAFerryRoleIsRefused() {
        Lab lab = new Lab().esxi("esx-01", Lab.datastore("ds1")).backupServer("bs", NET)
                .linux("px-01", NET, RoleType.VMWARE_PROXY).vm("App-01", "esx-01", Lab.LINUX, NET, 2, "ds1");
        WhiteboardSelectionService s = WhatIfTest.service(lab, TestPlugins.vmware().build());
        reads(s).forEach((action, call) -> as("vera", "ferry-viewer", call));
        reads(s).forEach((action, call) -> {
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> as("sam", "ssh", call), action);
            assertEquals(action, e.action());
            assertEquals(FerryRole.VIEWER, e.required());
        });
    }
}
