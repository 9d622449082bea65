package io.ferry.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import java.security.PrivilegedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class CallerTest {

    @SuppressWarnings("removal")
    static <T> T as(Subject subject, Supplier<T> work) {
        return Subject.doAs(subject, (PrivilegedAction<T>) work::get);
    }

    @Test
    void aCallWithNoSubjectIsFerrysOwnWorkAndMayDoEverything() {
        Caller caller = Caller.current();
        assertSame(Caller.SYSTEM, caller);
        assertEquals("system", caller.user());
        assertTrue(caller.may(FerryRole.ADMIN));
    }

    @Test
    void theUserAndTheHighestFerryRoleComeFromTheSubjectOfTheCall() {
        Caller caller = as(Principals.user("olga", "ssh", "ferry-viewer", "ferry-operator"), Caller::current);
        assertEquals("olga", caller.user());
        assertEquals(Optional.of(FerryRole.OPERATOR), caller.role());
        assertFalse(caller.system());
        assertTrue(caller.may(FerryRole.VIEWER));
        assertTrue(caller.may(FerryRole.OPERATOR));
        assertFalse(caller.may(FerryRole.ADMIN));
    }

    @Test
    void karafsAdminRoleCountsAsFerryAdmin() {
        Caller caller = as(Principals.user("karaf", "admin", "manager"), Caller::current);
        assertTrue(caller.may(FerryRole.ADMIN));
    }

    @Test
    void aUserWithoutAFerryRoleMayNotEvenRead() {
        Caller caller = as(Principals.user("sam", "ssh", "viewer"), Caller::current);
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> caller.require(FerryRole.VIEWER, "server-list"));
        assertEquals("User 'sam' (no Ferry role) may not server-list: it needs role ferry-viewer or ferry-operator"
                + " or ferry-admin; ask an administrator to grant it", e.getMessage());
    }

    @Test
    void theRefusalNamesTheUserTheActionAndTheRoleNeeded() {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> as(
                Principals.user("vera", "ferry-viewer"), () -> Caller.current().require(FerryRole.OPERATOR, "job-run")));
        assertEquals("vera", e.user());
        assertEquals("job-run", e.action());
        assertEquals(FerryRole.OPERATOR, e.required());
        assertEquals("User 'vera' (ferry-viewer) may not job-run: it needs role ferry-operator or ferry-admin;"
                + " ask an administrator to grant it", e.getMessage());
    }

    @Test
    void asSystemDropsTheSubjectOfTheCaller() {
        Caller inside = as(Principals.user("vera", "ferry-viewer"), () -> Caller.asSystem(Caller::current));
        assertSame(Caller.SYSTEM, inside);
    }

    @Test
    void aThreadStartedUnderASubjectInheritsItUnlessCreatedAsSystem() throws Exception {
        AtomicReference<Caller> inherited = new AtomicReference<>();
        AtomicReference<Caller> system = new AtomicReference<>();
        as(Principals.user("vera", "ferry-viewer"), () -> {
            Thread a = new Thread(() -> inherited.set(Caller.current()));
            Thread b = Caller.asSystem(() -> new Thread(() -> system.set(Caller.current())));
            a.start();
            b.start();
            try {
                a.join(10_000);
                b.join(10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        assertEquals("vera", inherited.get().user());
        assertSame(Caller.SYSTEM, system.get());
    }

    @Test
    void roleNamesAreMatchedWithoutRegardToCase() {
        assertEquals(Optional.of(FerryRole.ADMIN), FerryRole.ofRoleName("Ferry-Admin"));
        assertEquals(Optional.of(FerryRole.ADMIN), FerryRole.ofRoleName("ADMIN"));
        assertEquals(Optional.empty(), FerryRole.ofRoleName("manager"));
        assertTrue(FerryRole.ADMIN.includes(FerryRole.VIEWER));
        assertFalse(FerryRole.VIEWER.includes(FerryRole.OPERATOR));
    }

    @Test
    void auditRecordsChangesErrorsAndRefusalsButNotAllowedReads() {
        List<AuditEntry> entries = new ArrayList<>();
        Audit audit = Audit.to(new AuditLog() {
            @Override
            public void record(AuditEntry entry) {
                entries.add(entry);
            }

            @Override
            public AuditPage query(AuditQuery query) {
                throw new UnsupportedOperationException();
            }
        });
        Subject olga = Principals.user("olga", "ferry-operator");
        assertEquals("done", as(olga, () -> audit.change(FerryRole.OPERATOR, "job-run", "nightly", () -> "done")));
        assertThrows(IllegalStateException.class, () -> as(olga, () -> audit.change(FerryRole.OPERATOR, "job-stop",
                "nightly", () -> {
                    throw new IllegalStateException("not running");
                })));
        assertThrows(AccessDeniedException.class, () -> as(olga, () -> audit.change(FerryRole.ADMIN, "prune",
                "/srv/repo", () -> "pruned")));
        as(olga, () -> audit.read(FerryRole.VIEWER, "job-list"));
        assertThrows(AccessDeniedException.class, () -> as(olga, () -> audit.read(FerryRole.ADMIN, "audit-list")));

        assertEquals(List.of("olga job-run nightly OK", "olga job-stop nightly ERROR", "olga prune /srv/repo DENIED",
                "olga audit-list  DENIED"), entries.stream().map(e -> e.user() + " " + e.action() + " " + e.target()
                + " " + e.result()).toList());
        assertEquals("not running", entries.get(1).message());
        assertTrue(entries.get(2).message().contains("needs role ferry-admin"), entries.get(2).message());
    }
}
