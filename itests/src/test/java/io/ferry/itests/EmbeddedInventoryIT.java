package io.ferry.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.ferry.api.inventory.InventoryService;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.repository.RepositoryService;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The distribution exactly as shipped: no inventory configuration, so Ferry runs on its
 * embedded H2 database. Plus everything in {@link FerryRuntimeChecks}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EmbeddedInventoryIT extends FerryRuntimeChecks {

    @Configuration
    public Option[] config() {
        return FerryContainer.distribution();
    }

    @Test
    public void withoutConfigurationTheInventoryIsAnH2FileUnderKarafData() throws Exception {
        awaitService(InventoryService.class);
        List<Path> files = h2DatabaseFiles();
        assertFalse("no H2 database (*.mv.db) under " + System.getProperty("karaf.data") + "/ferry", files.isEmpty());
    }

    /**
     * The data path inside Karaf: JNA (libc, libnbd), lz4-java's JNI library and the
     * repository work as OSGi bundles. A qcow2 image served by a real qemu-nbd is backed
     * up with ferry:backup-disk, verified, and restored with ferry:restore-disk to a file
     * identical to the source (issue 5).
     */
    @Test
    public void backupDiskOverNbdVerifyAndRestoreIdenticalFromTheShell() throws Exception {
        for (Class<?> type : List.of(RepositoryService.class, DiskSources.class, DataMover.class)) {
            assertNotNull(type.getSimpleName(), awaitService(type));
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "mover-it");
        Path raw = work.resolve("disk.raw");
        byte[] block = new byte[1 << 20];
        Random random = new Random(5);
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(24L << 20);
            for (int mib : new int[] {0, 1, 2, 9, 17}) {
                random.nextBytes(block);
                file.seek((long) mib << 20);
                file.write(block);
            }
            file.seek(12L << 20);
            file.write("log line 1\nlog line 2\n".repeat(40_000).getBytes(StandardCharsets.US_ASCII));
        }
        Path qcow2 = work.resolve("disk.qcow2");
        run(work, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        // unix socket paths are limited to 107 bytes: not under the (deep) Karaf data or tmp directory
        Path socketDir = Files.createTempDirectory(Path.of("/tmp"), "ferry-it-nbd");
        Path socket = socketDir.resolve("nbd.sock");
        Process nbd = new ProcessBuilder("qemu-nbd", "--persistent", "-r", "-f", "qcow2", "-k", socket.toString(),
                qcow2.toString()).redirectErrorStream(true).redirectOutput(work.resolve("qemu-nbd.log").toFile())
                .start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket) && nbd.isAlive(); i++) {
                Thread.sleep(100);
            }
            assertTrue("qemu-nbd did not start: " + Files.readString(work.resolve("qemu-nbd.log")),
                    Files.exists(socket));
            Path password = work.resolve("password");
            Files.writeString(password, "it-password-1\n");
            Path repo = work.resolve("repo");
            String auth = " --password-file " + password + " ";
            KarafShell shell = new KarafShell(sessionFactory);
            shell.ok("ferry:repo-init --kdf-iterations 100000" + auth + repo);
            String backup = shell.ok("ferry:backup-disk --no-progress --disk it/disk0 --repo " + repo + auth
                    + "nbd+unix:///?socket=" + socket);
            assertTrue(backup, backup.contains("it/disk0"));
            String verify = shell.ok("ferry:verify --no-progress --repo " + repo + auth);
            assertTrue(verify, verify.contains("OK"));
            String json = shell.ok("ferry:backups --json --repo " + repo + auth);
            assertTrue(json, json.contains("\"disk\" : \"it/disk0\""));
            Path restored = work.resolve("restored.raw");
            shell.ok("ferry:restore-disk --no-progress --disk it/disk0 --repo " + repo + auth + restored);
            assertEquals("restored image identical to the source", sha256(raw), sha256(restored));
            String info = shell.ok("ferry:repo-info --json" + auth + repo);
            assertTrue(info, info.contains("\"backups\" : 1"));
        } finally {
            nbd.destroy();
            nbd.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socketDir);
        }
    }

    /**
     * Issue 11, confined paths, through the shipped shell: /etc/shadow as a disk, a symlink out
     * of an allowed directory, a restore to /etc, an export to /root and a password file under
     * Ferry's etc/ are refused, each naming the setting that would allow it; what Ferry writes
     * (restored image, key file, catalog) is 0600.
     */
    @Test
    public void pathsOutsideTheRootsAndUnderEtcAreRefusedAndWhatFerryWritesIsOwnerOnly() throws Exception {
        KarafShell shell = awaitFerryShell();
        Path work = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "paths-it");
        Path password = Files.writeString(work.resolve("password"), "paths-it-password\n");
        Path repo = work.resolve("repo");
        String auth = " --password-file " + password + " ";
        shell.ok("ferry:repo-init --kdf-iterations 100000" + auth + repo);
        Path disk = work.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(1 << 20);
            file.write("not all zero".getBytes(StandardCharsets.US_ASCII));
        }
        shell.ok("ferry:backup-disk --no-progress --disk it/small --repo " + repo + auth + disk);

        refused(shell, "ferry:backup-disk --no-progress --disk it/shadow --repo " + repo + auth + "/etc/shadow",
                "disk.roots", "/etc/shadow");
        Path link = Files.createSymbolicLink(work.resolve("hostname.raw"), Path.of("/etc/hostname"));
        refused(shell, "ferry:backup-disk --no-progress --disk it/link --repo " + repo + auth + link, "disk.roots",
                "which resolves to /etc/hostname");
        refused(shell, "ferry:restore-disk --no-progress --disk it/small --repo " + repo + auth + "/etc/ferry-it.raw",
                "restore.roots", "/etc/ferry-it.raw");
        assertFalse(Files.exists(Path.of("/etc/ferry-it.raw")));
        refused(shell, "ferry:inventory-export /root/ferry-it.json", "transfer.roots", "/root/ferry-it.json");
        Path inEtc = Path.of(System.getProperty("karaf.etc"), "ferry-it.password");
        Files.writeString(inEtc, "paths-it-password\n");
        try {
            refused(shell, "ferry:backups --repo " + repo + " --password-file " + inEtc, "etc",
                    "inside Ferry's configuration directory");
        } finally {
            Files.delete(inEtc);
        }

        Path restored = work.resolve("restored.raw");
        shell.ok("ferry:restore-disk --no-progress --disk it/small --repo " + repo + auth + restored);
        assertEquals("rw-------", mode(restored));
        assertEquals("rw-------", mode(repo.resolve("keys/key")));
        assertEquals("rw-------", mode(repo.resolve("config")));
        for (Path catalog : h2DatabaseFiles()) {
            assertEquals(catalog.toString(), "rw-------", mode(catalog));
        }
    }

    private static void refused(KarafShell shell, String command, String setting, String detail) {
        KarafShell.Result result = shell.run(command);
        String shown = result.shown();
        assertTrue("'" + command + "' should have been refused:\n" + shown, result.failed());
        assertTrue("the refusal should name " + setting + ":\n" + shown, shown.contains(setting));
        assertTrue("the refusal should say '" + detail + "':\n" + shown, shown.contains(detail));
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(String.join(" ", command) + " failed: " + out, 0, p.waitFor());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
