package io.ferry.jobs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
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
import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathArea;
import io.ferry.api.paths.PathNotAllowedException;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.repository.VerifyReport;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.FerryRole;
import io.ferry.api.session.DiskRestoreRequest;
import io.ferry.api.session.DiskRestoreResult;
import io.ferry.api.session.JobRepositorySummary;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.VmRestoreRequest;
import io.ferry.api.session.VmRestoreResult;
import io.ferry.mover.internal.DataMoverImpl;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Principal;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of {@link JobRestores}, which the shell's {@code --job-repo} commands, the REST API
 * and the console share: a real job runner writes two backups of a real disk image into its
 * real (encrypted) repository; restores go through disk sources confined by a real path policy
 * whose {@code restore.roots} is {@code <tmp>/restores}.
 */
@Timeout(300)
class JobRestoresTest {
    private static final long SIZE = 4L * Images.MIB;
    private static final Subject VIEWER = user("vera", "ferry-viewer");
    private static final Subject OPERATOR = user("otto", "ferry-operator");
    private static final Subject ADMIN = user("ann", "ferry-admin");

    @TempDir
    Path dir;
    private Lab lab;
    private Path roots;
    private JobRestores restores;
    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
    private Session first;
    private Session second;
    private String firstSha;
    private String secondSha;

    record UserPrincipal(String getName) implements Principal {
    }

    record RolePrincipal(String getName) implements Principal {
    }

    private static Subject user(String name, String role) {
        return new Subject(true, new HashSet<>(List.of(new UserPrincipal(name), new RolePrincipal(role))), Set.of(),
                Set.of());
    }

    interface Call<T> {
        T run() throws Exception;
    }

    @SuppressWarnings("removal")
    private static <T> T as(Subject subject, Call<T> call) throws Exception {
        try {
            return Subject.doAs(subject, (PrivilegedExceptionAction<T>) call::run);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }

    @BeforeEach
    void twoBackups() throws Exception {
        lab = new Lab(dir);
        roots = dir.resolve("restores");
        ConfinedPaths policy = new ConfinedPaths(Map.of(PathArea.RESTORE_TARGETS, List.of(roots)),
                List.of(dir.resolve("etc")), ConfinedPaths.DEFAULT_NBD_HOSTS, "etc/io.ferry.paths.cfg");
        restores = new JobRestores(lab.jobs, lab.inventory, lab.repositories, new DiskSourcesImpl(policy),
                new DataMoverImpl(2), policy, lab.sessions, Clock.systemUTC());
        AuditLog log = new AuditLog() {
            @Override
            public void record(AuditEntry entry) {
                audited.add(entry);
            }

            @Override
            public AuditPage query(AuditQuery query) {
                throw new UnsupportedOperationException();
            }
        };
        restores.auditTo(log);
        lab.sessions.auditTo(log);
        lab.inventory.addServer("px-01", 2, RoleType.GENERAL_PURPOSE_PROXY);
        lab.addVm("vm-a", lab.rawDisk("disk0", "vm-a-0.raw", SIZE, 1));
        lab.jobs.createJob(new JobSpec("daily", Platform.PROXMOX, List.of("vm-a"), "repo-01",
                ServerChoice.preferred(List.of("px-01")), TransportChoice.AUTOMATIC, GuestProcessing.DISABLED, false));
        first = lab.run("daily");
        assertEquals(SessionStatus.SUCCESS, first.status(), first.message());
        firstSha = Images.sha256(dir.resolve("vm-a-0.raw"));
        Images.scribble(dir.resolve("vm-a-0.raw"), 8192, 65536, 7);
        second = lab.run("daily");
        assertEquals(SessionStatus.SUCCESS, second.status(), second.message());
        secondSha = Images.sha256(dir.resolve("vm-a-0.raw"));
        assertFalse(firstSha.equals(secondSha));
    }

    @AfterEach
    void close() {
        lab.close();
    }

    private static DiskRestoreRequest byDisk(String disk, String target, boolean overwrite) {
        return new DiskRestoreRequest("repo-01", Optional.empty(), Optional.of(disk), target, overwrite);
    }

    private static DiskRestoreRequest byBackup(String backup, String target, boolean overwrite) {
        return new DiskRestoreRequest("repo-01", Optional.of(backup), Optional.empty(), target, overwrite);
    }

    @Test
    void aDiskRestoresItsLatestBackupOrOneNamedByPrefixIntoAnOwnerOnlyFileUnderTheFirstRestoreRoot() throws Exception {
        DiskRestoreResult latest = as(ADMIN, () -> restores.restoreDisk(byDisk("vm-a/disk0", "latest.raw", false),
                ProgressListener.NONE));

        Path file = roots.resolve("latest.raw");
        assertEquals(secondSha, Images.sha256(file));
        assertEquals(second.tasks().get(0).backupId(), latest.backup().id());
        assertEquals(SIZE, latest.result().size());
        assertTrue(latest.result().writtenBytes() > 0 && latest.result().writtenBytes() < SIZE, "holes stay holes");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        String firstId = first.tasks().get(0).backupId();
        DiskRestoreResult older = as(ADMIN, () -> restores.restoreDisk(byBackup(firstId.substring(0, firstId.length() - 2),
                "older/vm-a.raw", false), ProgressListener.NONE));
        assertEquals(firstId, older.backup().id());
        assertEquals(firstSha, Images.sha256(roots.resolve("older/vm-a.raw")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(roots.resolve("older"))));

        ValidationException wrongDisk = assertThrows(ValidationException.class, () -> as(ADMIN,
                () -> restores.restoreDisk(new DiskRestoreRequest("repo-01", Optional.of(firstId),
                        Optional.of("vm-b/disk0"), "x.raw", false), ProgressListener.NONE)));
        assertEquals("disk", wrongDisk.field());
        assertThrows(NotFoundException.class, () -> as(ADMIN, () -> restores.restoreDisk(byDisk("vm-zz/disk0", "y.raw",
                false), ProgressListener.NONE)));
        assertEquals("backup", assertThrows(ValidationException.class, () -> new DiskRestoreRequest("repo-01",
                Optional.empty(), Optional.of(" "), "z.raw", false)).field());
        assertEquals(List.of("ann restore-disk OK", "ann restore-disk OK", "ann restore-disk ERROR",
                "ann restore-disk ERROR"), audited.stream().filter(a -> !a.action().startsWith("job"))
                .map(a -> a.user() + " " + a.action() + " " + a.result()).toList());
    }

    @Test
    void aTargetOutsideRestoreRootsIsRefusedNamingTheSettingAndNothingIsCreated() throws Exception {
        Path outside = dir.resolve("elsewhere/disk.raw");
        for (String target : List.of(outside.toString(), "../escaped.raw", dir.resolve("etc/x.raw").toString())) {
            PathNotAllowedException e = assertThrows(PathNotAllowedException.class, () -> as(ADMIN,
                    () -> restores.restoreDisk(byDisk("vm-a/disk0", target, false), ProgressListener.NONE)), target);
            assertTrue(e.getMessage().contains("restore.roots") || e.setting().equals("etc"), e.getMessage());
        }
        PathNotAllowedException vm = assertThrows(PathNotAllowedException.class, () -> as(ADMIN,
                () -> restores.restoreVm(new VmRestoreRequest("vm-a", Optional.empty(), dir.resolve("vms").toString(),
                        false), ProgressListener.NONE)));
        assertEquals("restore.roots", vm.setting());
        assertTrue(Files.notExists(outside.getParent()));
        assertTrue(Files.notExists(dir.resolve("escaped.raw")));
        assertTrue(Files.notExists(dir.resolve("vms")));
        assertEquals("target", assertThrows(ValidationException.class, () -> as(ADMIN, () -> restores.restoreDisk(
                byDisk("vm-a/disk0", "http://example.org/x", false), ProgressListener.NONE))).field());
    }

    @Test
    void anExistingTargetIsWrittenOverOnlyWhenAsked() throws Exception {
        as(ADMIN, () -> restores.restoreDisk(byDisk("vm-a/disk0", "disk.raw", false), ProgressListener.NONE));
        Path file = roots.resolve("disk.raw");
        Images.scribble(file, 0, 4096, 9);
        String scribbled = Images.sha256(file);

        ConflictException refused = assertThrows(ConflictException.class, () -> as(ADMIN,
                () -> restores.restoreDisk(byDisk("vm-a/disk0", "disk.raw", false), ProgressListener.NONE)));
        assertTrue(refused.getMessage().contains("exists already: nothing was written"), refused.getMessage());
        assertEquals(scribbled, Images.sha256(file));

        as(ADMIN, () -> restores.restoreDisk(byDisk("vm-a/disk0", file.toString(), true), ProgressListener.NONE));
        assertEquals(secondSha, Images.sha256(file));
    }

    @Test
    void aVmRestoresFromItsLatestOrANamedSessionIntoADirectoryUnderTheRestoreRoot() throws Exception {
        VmRestoreResult latest = as(ADMIN, () -> restores.restoreVm(new VmRestoreRequest("vm-a", Optional.empty(),
                "vm-a-latest", false), ProgressListener.NONE));
        assertEquals(second.id(), latest.session());
        assertEquals(secondSha, Images.sha256(roots.resolve("vm-a-latest/vm-a-disk0.raw")));

        VmRestoreResult older = as(ADMIN, () -> restores.restoreVm(new VmRestoreRequest("vm-a",
                Optional.of(first.id().substring(0, 20)), "vm-a-older", false), ProgressListener.NONE));
        assertEquals(first.id(), older.session());
        assertEquals(firstSha, Images.sha256(roots.resolve("vm-a-older/vm-a-disk0.raw")));
        assertThrows(ConflictException.class, () -> as(ADMIN, () -> restores.restoreVm(new VmRestoreRequest("vm-a",
                Optional.empty(), "vm-a-older", false), ProgressListener.NONE)));
        assertEquals(firstSha, Images.sha256(roots.resolve("vm-a-older/vm-a-disk0.raw")));
    }

    @Test
    void aViewerListsAnOperatorVerifiesAndOnlyAnAdministratorRestores() throws Exception {
        List<JobRepositorySummary> repos = as(VIEWER, restores::repositories);
        assertEquals(1, repos.size());
        assertEquals("repo-01", repos.get(0).server());
        assertEquals(List.of("daily"), repos.get(0).jobs());
        assertEquals(2, repos.get(0).info().orElseThrow().backups());

        List<BackupInfo> newestFirst = as(VIEWER, () -> restores.backups("repo-01", Optional.empty(), Optional.empty()));
        assertEquals(List.of(second.tasks().get(0).backupId(), first.tasks().get(0).backupId()),
                newestFirst.stream().map(BackupInfo::id).toList());
        assertEquals(2, as(VIEWER, () -> restores.backups("repo-01", Optional.empty(), Optional.of("VM-A"))).size());
        assertEquals(0, as(VIEWER, () -> restores.backups("repo-01", Optional.empty(), Optional.of("vm-b"))).size());
        assertEquals(2, as(VIEWER, () -> restores.backups("repo-01", Optional.of("vm-a/disk0"), Optional.empty()))
                .size());
        assertThrows(NotFoundException.class, () -> as(VIEWER, () -> restores.backups("repo-02", Optional.empty(),
                Optional.empty())));

        AccessDeniedException verify = assertThrows(AccessDeniedException.class, () -> as(VIEWER,
                () -> restores.verify("repo-01", List.of(), ProgressListener.NONE)));
        assertEquals(FerryRole.OPERATOR, verify.required());
        String prefix = first.tasks().get(0).backupId().substring(0, first.tasks().get(0).backupId().length() - 2);
        VerifyReport report = as(OPERATOR, () -> restores.verify("repo-01", List.of(prefix), ProgressListener.NONE));
        assertTrue(report.ok());
        assertEquals(List.of(first.tasks().get(0).backupId()), report.backups());

        AccessDeniedException restore = assertThrows(AccessDeniedException.class, () -> as(OPERATOR,
                () -> restores.restoreDisk(byDisk("vm-a/disk0", "r.raw", false), ProgressListener.NONE)));
        assertEquals(FerryRole.ADMIN, restore.required());
        assertTrue(Files.notExists(roots.resolve("r.raw")));
        assertEquals(List.of("vera verify DENIED", "otto verify OK", "otto restore-disk DENIED"), audited.stream()
                .filter(a -> !a.action().startsWith("job")).map(a -> a.user() + " " + a.action() + " " + a.result())
                .toList());
        assertEquals("repo-01 " + prefix, audited.stream()
                .filter(a -> a.result() == AuditResult.OK && a.action().equals("verify")).findFirst().orElseThrow()
                .target());
    }
}
