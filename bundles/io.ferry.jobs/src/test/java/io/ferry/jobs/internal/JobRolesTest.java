package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.audit.AuditEntry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.audit.AuditPage;
import io.ferry.api.audit.AuditQuery;
import io.ferry.api.audit.AuditResult;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.job.GuestProcessing;
import io.ferry.api.job.JobSpec;
import io.ferry.api.job.ServerChoice;
import io.ferry.api.job.TransportChoice;
import io.ferry.api.NotFoundException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RetentionPolicy;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.FerryRole;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivilegedExceptionAction;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role table of issue 11 in the job runner: the real {@link JobSessions} (real repository,
 * real data mover, real disk images) called under the JAAS Subject of a viewer, an operator and
 * an administrator, the way Karaf's shell calls it.
 */
@Timeout(300)
class JobRolesTest {
    private static final long SIZE = 4L * Images.MIB;
    private static final Subject VIEWER = user("vera", "ferry-viewer");
    private static final Subject OPERATOR = user("otto", "ferry-operator");
    private static final Subject ADMIN = user("ann", "ferry-admin");

    @TempDir
    Path dir;
    private Lab lab;
    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();

    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    private static Subject user(String name, String role) {
        Set<Principal> principals = new HashSet<>(List.of(new UserPrincipal(name), new RolePrincipal(role)));
        return new Subject(true, principals, Set.of(), Set.of());
    }

    interface Call<T> {
        T run() throws Exception;
    }

    @SuppressWarnings("removal")
    private static <T> T as(Subject subject, Call<T> call) throws Exception {
        try {
            return Subject.doAs(subject, (PrivilegedExceptionAction<T>) call::run);
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
    }

    @BeforeEach
    void lab() throws Exception {
        lab = new Lab(dir);
        lab.sessions.auditTo(new AuditLog() {
            @Override
            public void record(AuditEntry entry) {
                audited.add(entry);
            }

            @Override
            public AuditPage query(AuditQuery query) {
                throw new UnsupportedOperationException();
            }
        });
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.jobs.createJob(new JobSpec("daily", Platform.PROXMOX, List.of("vm-a"), "repo-01",
                ServerChoice.preferred(List.of("px-01")), TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false));
    }

    @AfterEach
    void close() {
        lab.close();
    }

    private Map<String, Call<?>> mutatingCalls(Path target) {
        Map<String, Call<?>> calls = new LinkedHashMap<>();
        calls.put("job-run", () -> lab.sessions.start("daily", "manual"));
        calls.put("job-retry", () -> lab.sessions.retry("daily"));
        calls.put("job-stop", () -> lab.sessions.stop("daily"));
        calls.put("restore", () -> lab.sessions.restoreVm("vm-a", null, target.toString(), true,
                ProgressListener.NONE));
        return calls;
    }

    @Test
    void aViewerIsRefusedEveryRunStopRetryAndRestoreAndNoSessionStarts() throws Exception {
        Path target = dir.resolve("restore");
        for (Map.Entry<String, Call<?>> call : mutatingCalls(target).entrySet()) {
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> as(VIEWER, call.getValue()),
                    call.getKey());
            assertEquals(call.getKey(), e.action());
        }
        assertEquals(List.of(), lab.sessions.sessions(null, 10));
        assertTrue(Files.notExists(target));
        assertEquals(List.of("job-run", "job-retry", "job-stop", "restore"), audited.stream()
                .filter(a -> a.user().equals("vera") && a.result() == AuditResult.DENIED).map(AuditEntry::action)
                .toList());
        // reads are allowed
        assertEquals(List.of(), as(VIEWER, () -> lab.sessions.sessions("daily", 10)));
    }

    @Test
    void anOperatorRunsAJobButCannotRestoreIt() throws Exception {
        Session started = as(OPERATOR, () -> lab.sessions.start("daily", "manual"));
        Session done = as(OPERATOR, () -> lab.await(started));
        // the run (backup, then the job's retention prune) is Ferry's own work on its task threads
        assertEquals(SessionStatus.SUCCESS, done.status(), done.message());
        assertTrue(done.message().contains("Retention (keep last"), "the retention prune ran: " + done.message());
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> as(OPERATOR,
                () -> lab.sessions.restoreVm("vm-a", null, dir.resolve("r").toString(), false, ProgressListener.NONE)));
        assertEquals(FerryRole.ADMIN, e.required());
        assertEquals(List.of("otto job-run daily OK", "otto restore DENIED"), audited.stream()
                .map(a -> a.user() + " " + a.action() + (a.action().equals("restore") ? "" : " " + a.target()) + " "
                        + a.result()).toList());
    }

    @Test
    void anAdministratorRunsAndRestores() throws Exception {
        Session done = lab.await(as(ADMIN, () -> lab.sessions.start("daily", "manual")));
        assertEquals(SessionStatus.SUCCESS, done.status(), done.message());
        Path target = dir.resolve("restore");
        as(ADMIN, () -> lab.sessions.restoreVm("vm-a", null, target.toString(), false, ProgressListener.NONE));
        assertEquals(Images.sha256(dir.resolve("vm-a-0.raw")), Images.sha256(target.resolve("vm-a-disk0.raw")));
        AuditEntry restore = audited.get(audited.size() - 1);
        assertEquals("ann", restore.user());
        assertEquals(AuditResult.OK, restore.result());
        assertEquals("vm-a from its latest session to " + target, restore.target());
    }

    @Test
    void runsStartedWithNoSubjectAreFerrysOwnWorkAuditedAsSystem() throws Exception {
        Session done = lab.run("daily");
        assertEquals(SessionStatus.SUCCESS, done.status(), done.message());
        assertEquals("system job-run OK", audited.get(0).user() + " " + audited.get(0).action() + " "
                + audited.get(0).result());
    }

    @Test
    void theJobRepositoryOpensForAViewerWithoutAPasswordAndOnlyForReading() throws Exception {
        NotFoundException none = assertThrows(NotFoundException.class,
                () -> as(VIEWER, () -> lab.sessions.jobRepository("repo-01")));
        assertTrue(none.getMessage().contains("No job has stored to repo-01 yet"), none.getMessage());
        Session done = lab.run("daily");
        assertEquals(SessionStatus.SUCCESS, done.status(), done.message());

        Repository repository = as(VIEWER, () -> lab.sessions.jobRepository("repo-01"));
        List<BackupInfo> backups = as(VIEWER, repository::backups);
        assertEquals(List.of("vm-a/disk0"), backups.stream().map(BackupInfo::disk).toList());
        assertThrows(AccessDeniedException.class, () -> as(VIEWER,
                () -> repository.prune(RetentionPolicy.keepLast(1), true, ProgressListener.NONE)));
        assertThrows(AccessDeniedException.class, () -> as(VIEWER, () -> repository.openBackup(backups.get(0).id())));
        repository.close();

        // closing the user's handle left the runner's repository open: the next run uses it
        Session again = lab.run("daily");
        assertEquals(SessionStatus.SUCCESS, again.status(), again.message());
        assertEquals(2, as(ADMIN, () -> lab.sessions.jobRepository("repo-01").backups()).size());
        assertThrows(NotFoundException.class, () -> as(VIEWER, () -> lab.sessions.jobRepository("../../etc")));
        assertThrows(AccessDeniedException.class, () -> as(user("nobody", "ssh"),
                () -> lab.sessions.jobRepository("repo-01")));
    }
}
