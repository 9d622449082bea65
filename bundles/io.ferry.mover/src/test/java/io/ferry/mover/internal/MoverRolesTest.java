package io.ferry.mover.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.ProgressListener;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.FerryRole;
import io.ferry.mover.internal.source.DiskSourcesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivilegedAction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backing up a disk needs ferry-operator and restoring one (creating its target, writing it)
 * ferry-admin, checked by the mover's services themselves before any file is touched.
 */
class MoverRolesTest {
    @TempDir
    Path tmp;
    private final DiskSourcesImpl sources = new DiskSourcesImpl();
    private final DataMoverImpl mover = new DataMoverImpl(1);

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

    @Test
    void aViewerCannotReadADiskAndAnOperatorCannotCreateOrWriteARestoreTarget() throws Exception {
        Path disk = Files.write(tmp.resolve("disk.raw"), new byte[65536]);
        Path target = tmp.resolve("restored.raw");

        AccessDeniedException read = assertThrows(AccessDeniedException.class,
                () -> as("vera", "ferry-viewer", () -> sources.open(disk.toString(), SourceOptions.defaults())));
        assertEquals(FerryRole.OPERATOR, read.required());
        AccessDeniedException create = assertThrows(AccessDeniedException.class, () -> as("otto", "ferry-operator",
                () -> sources.create(target.toString(), 65536, false, SourceOptions.defaults())));
        assertEquals(FerryRole.ADMIN, create.required());
        assertEquals("restore-disk", create.action());
        assertTrue(Files.notExists(target), "nothing was created");
        AccessDeniedException write = assertThrows(AccessDeniedException.class, () -> as("otto", "ferry-operator",
                () -> mover.restore(null, "b-1", null, ProgressListener.NONE)));
        assertEquals("restore-disk", write.action());
        AccessDeniedException backup = assertThrows(AccessDeniedException.class, () -> as("vera", "ferry-viewer",
                () -> mover.backup(null, null, BackupRequest.of("d", "x", 1), ProgressListener.NONE)));
        assertEquals("backup-disk", backup.action());
    }

    @Test
    void anOperatorReadsADiskAndAnAdministratorCreatesATarget() throws Exception {
        Path disk = Files.write(tmp.resolve("disk.raw"), new byte[65536]);
        as("otto", "ferry-operator", () -> {
            try (var source = sources.open(disk.toString(), SourceOptions.defaults())) {
                return source.size();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path target = tmp.resolve("restored.raw");
        as("ann", "ferry-admin", () -> {
            try (var t = sources.create(target.toString(), 65536, false, SourceOptions.defaults())) {
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(Files.exists(target));
    }
}
