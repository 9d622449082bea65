package io.ferry.repository.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.FerryRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivilegedAction;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role table of issue 11 in the repository service: repo-init, prune and reading backup
 * data (restore) need ferry-admin, backing up and verify ferry-operator, listing ferry-viewer;
 * the changes are audited. Real repositories on disk, called under the JAAS Subject of each role.
 */
class RepositoryRolesTest {
    private static final Subject VIEWER = user("vera", "ferry-viewer");
    private static final Subject OPERATOR = user("otto", "ferry-operator");
    private static final Subject ADMIN = user("ann", "admin");

    @TempDir
    Path tmp;
    private RepositoryServiceImpl service;
    private Repository repo;
    private BackupInfo first;
    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();

    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    private static Subject user(String name, String role) {
        return new Subject(true, new HashSet<>(List.of(new UserPrincipal(name), new RolePrincipal(role))), Set.of(),
                Set.of());
    }

    @SuppressWarnings("removal")
    private static <T> T as(Subject subject, Supplier<T> work) {
        return Subject.doAs(subject, (PrivilegedAction<T>) work::get);
    }

    @BeforeEach
    void open() {
        service = new RepositoryServiceImpl();
        service.bindAuditLog(new AuditLog() {
            @Override
            public void record(AuditEntry entry) {
                audited.add(entry);
            }

            @Override
            public AuditPage query(AuditQuery query) {
                throw new UnsupportedOperationException();
            }
        });
        repo = TestRepositories.create(service, tmp.resolve("repo"));
        first = TestRepositories.backup(repo, "web-01/disk0", TestRepositories.random(300_000, 1), true);
        audited.clear();
    }

    @AfterEach
    void close() {
        repo.close();
        service.close();
    }

    private Map<String, Supplier<?>> callsNeeding(FerryRole role) {
        Map<String, Supplier<?>> calls = new LinkedHashMap<>();
        switch (role) {
            case ADMIN -> {
                calls.put("repo-init", () -> service.init(tmp.resolve("new"), TestRepositories.PASSWORD,
                        TestRepositories.SMALL));
                calls.put("prune", () -> repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
                calls.put("restore-disk", () -> TestRepositories.restore(repo, first.id()));
            }
            case OPERATOR -> {
                calls.put("backup-disk", () -> TestRepositories.backup(repo, "web-01/disk0",
                        TestRepositories.random(100_000, 2), false));
                calls.put("verify", () -> repo.verify(List.of(), ProgressListener.NONE));
            }
            case VIEWER -> {
                calls.put("repo-open", () -> service.open(tmp.resolve("repo"), TestRepositories.PASSWORD));
                calls.put("backups", repo::backups);
                calls.put("repo-info", repo::info);
            }
            default -> throw new IllegalArgumentException();
        }
        return calls;
    }

    @Test
    void aViewerListsBackupsButIsRefusedInitPruneRestoreBackupAndVerify() {
        for (FerryRole role : List.of(FerryRole.ADMIN, FerryRole.OPERATOR)) {
            callsNeeding(role).forEach((action, call) -> {
                AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> as(VIEWER, call), action);
                assertEquals(action, e.action());
                assertEquals(role, e.required());
            });
        }
        callsNeeding(FerryRole.VIEWER).values().forEach(call -> as(VIEWER, call));
        assertEquals(List.of(first.id()), repo.backups().stream().map(BackupInfo::id).toList());
        assertTrue(Files.notExists(tmp.resolve("new")));
        assertEquals(List.of("repo-init", "prune", "restore-disk", "backup-disk", "verify"), audited.stream()
                .map(AuditEntry::action).toList());
        assertTrue(audited.stream().allMatch(a -> a.user().equals("vera") && a.result() == AuditResult.DENIED));
    }

    @Test
    void anOperatorBacksUpAndVerifiesButCannotPruneRestoreOrInit() {
        callsNeeding(FerryRole.OPERATOR).values().forEach(call -> as(OPERATOR, call));
        assertEquals(2, repo.backups().size());
        callsNeeding(FerryRole.ADMIN).forEach((action, call) -> assertThrows(AccessDeniedException.class,
                () -> as(OPERATOR, call), action));
        assertEquals(2, repo.backups().size());
    }

    @Test
    void anAdministratorInitsPrunesAndRestoresAndEachChangeIsAudited() {
        byte[] restored = as(ADMIN, () -> TestRepositories.restore(repo, first.id()));
        assertArrayEquals(TestRepositories.random(300_000, 1), restored);
        as(ADMIN, () -> TestRepositories.backup(repo, "web-01/disk0", TestRepositories.random(100_000, 2), false));
        as(ADMIN, () -> repo.prune(RetentionPolicy.keepLast(1), false, ProgressListener.NONE));
        as(ADMIN, () -> service.init(tmp.resolve("new"), TestRepositories.PASSWORD, TestRepositories.SMALL));
        assertEquals(1, repo.backups().size());
        assertTrue(Files.exists(tmp.resolve("new").resolve("config")));
        assertEquals(List.of("ann prune " + repo.info().path() + " OK", "ann repo-init " + tmp.resolve("new") + " OK"),
                audited.stream().map(a -> a.user() + " " + a.action() + " " + a.target() + " " + a.result()).toList());
    }

    @Test
    void aFailedChangeIsAuditedWithItsError() {
        assertThrows(RuntimeException.class, () -> as(ADMIN, () -> service.init(tmp.resolve("repo"),
                TestRepositories.PASSWORD, TestRepositories.SMALL)));
        AuditEntry e = audited.get(0);
        assertEquals(AuditResult.ERROR, e.result());
        assertTrue(e.message().contains("already holds a Ferry repository"), e.message());
    }

    @Test
    void callsWithNoSubjectAreFerrysOwnWork() {
        repo.prune(RetentionPolicy.keepLast(1), true, ProgressListener.NONE);
        assertEquals("system", audited.get(0).user());
        BackupRequest request = BackupRequest.of("web-02/disk0", "test", TestRepositories.SMALL_CHUNK);
        repo.startBackup(request).close();
    }

    @Test
    void onlyAnAdministratorCreatesARepositoryFromImagesAndTheCreationIsAudited() {
        io.ferry.repository.remote.RepositoryImages images =
                io.ferry.repository.remote.RemoteRepositories.newImages(TestRepositories.PASSWORD, TestRepositories.SMALL);
        Path dir = tmp.resolve("created");
        for (Subject notAdmin : List.of(VIEWER, OPERATOR)) {
            AccessDeniedException e = assertThrows(AccessDeniedException.class,
                    () -> as(notAdmin, () -> service.create(dir, images)));
            assertEquals(FerryRole.ADMIN, e.required());
        }
        assertTrue(Files.notExists(dir));
        as(ADMIN, () -> service.create(dir, images)).close();
        assertTrue(Files.exists(dir.resolve("config")));
        assertEquals(List.of("vera repo-store-create DENIED", "otto repo-store-create DENIED",
                "ann repo-store-create OK"), audited.stream().map(a -> a.user() + " " + a.action() + " " + a.result())
                .toList());
    }
}
