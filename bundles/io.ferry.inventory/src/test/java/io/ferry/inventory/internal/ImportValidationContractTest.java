package io.ferry.inventory.internal;

import static io.ferry.inventory.internal.InventoryFixtures.linux;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.DiskFormat;
import io.ferry.api.inventory.GuestCredentials;
import io.ferry.api.inventory.HostKind;
import io.ferry.api.inventory.InventorySnapshot;
import io.ferry.api.inventory.OsInfo;
import io.ferry.api.inventory.Platform;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.VirtualDisk;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.job.JobSpec;
import io.ferry.api.spi.JobValidator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, point 6: import checks everything the real write needs. Every column size is part of
 * validation (a file that passes --dry-run imports), and what is written is what was validated.
 * Run against each real database by the subclasses.
 */
abstract class ImportValidationContractTest {
    protected InventoryDatabase database;
    protected JdbcInventoryService inventory;
    protected JdbcJobService jobs;
    protected JsonInventoryTransfer transfer;
    @TempDir
    protected Path tmp;

    abstract TestDatabases.Db newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        TestDatabases.Db db = newDatabase();
        database = new InventoryDatabase(db.dataSource(), db.url(), "backup-01");
        inventory = new JdbcInventoryService(database);
        jobs = new JdbcJobService(database);
        transfer = new JsonInventoryTransfer(database);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private String export() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transfer.exportTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** An inventory whose text fields hold markers the generated files replace. */
    private String markedInventory() {
        InventoryFixtures.populate(inventory);
        inventory.addServer(linux("gen-01", "10.0.9.1").os(OsInfo.linux("srvdist", "srvver")).site("SITEMARK")
                .fact("x.note", "FACTMARK").installedPackages(List.of("pkgmark")).build());
        inventory.addHost(new io.ferry.api.inventory.HostSpec("gen-host", HostKind.PROXMOX_NODE, "gen-host.lab",
                Optional.empty(), Optional.of("HVERMARK"), Optional.empty(), Optional.empty(), List.of()));
        inventory.addVm(new VmSpec("gen-vm", "gen-host", OsInfo.linux("gstdist", "gstver"), List.of(),
                List.of(new VirtualDisk("disk-0", 1L << 30, DiskFormat.RAW, "/data/LOCMARK.raw", Optional.empty())),
                Optional.of(new GuestCredentials("CREDMARK", false)), false));
        jobs.createJob(JobFixtures.webNightly());
        return export();
    }

    /** A marker, the column that holds it, and the characters its field accepts. */
    private record Marker(String text, int limit, int fixedChars, String alphabet) {
    }

    private static final List<Marker> MARKERS = List.of(
            new Marker("SITEMARK", ColumnLimits.TEXT, 0, "abcdefghijklmnopqrstuvwxyz0123456789 -"),
            new Marker("FACTMARK", ColumnLimits.FACT_VALUE, 0, "abcdefghijklmnopqrstuvwxyz0123456789 -"),
            new Marker("pkgmark", ColumnLimits.TEXT, 0, "abcdefghijklmnopqrstuvwxyz0123456789-"),
            new Marker("srvdist", ColumnLimits.OS_PART, 0, "abcdefghijklmnopqrstuvwxyz0123456789.-"),
            new Marker("srvver", ColumnLimits.OS_PART, 0, "abcdefghijklmnopqrstuvwxyz0123456789.-"),
            new Marker("HVERMARK", ColumnLimits.TEXT, 0, "abcdefghijklmnopqrstuvwxyz0123456789. -"),
            new Marker("gstdist", ColumnLimits.OS_PART, 0, "abcdefghijklmnopqrstuvwxyz0123456789.-"),
            new Marker("gstver", ColumnLimits.OS_PART, 0, "abcdefghijklmnopqrstuvwxyz0123456789.-"),
            new Marker("LOCMARK", ColumnLimits.DISK_LOCATION, "/data/.raw".length(), "abcdefghijklmnopqrstuvwxyz0123456789/._-"),
            new Marker("CREDMARK", ColumnLimits.TEXT, 0, "abcdefghijklmnopqrstuvwxyz0123456789.-"));

    /** Lengths around the column's limit, far beyond it, and anywhere below twice it. */
    private static String value(Random random, Marker m) {
        int room = m.limit() - m.fixedChars();
        int[] lengths = {1, room - 1, room, room + 1, 5000, 1 + random.nextInt(2 * m.limit())};
        int length = lengths[random.nextInt(lengths.length)];
        StringBuilder sb = new StringBuilder(length);
        sb.append('a'); // every field starts with a letter or digit
        while (sb.length() < length) {
            sb.append(m.alphabet().charAt(random.nextInt(m.alphabet().length())));
        }
        sb.setCharAt(length - 1, 'z'); // and ends with one (blank ends are stripped)
        return sb.toString();
    }

    @Test
    void aFiveThousandCharacterDiskLocationIsRefusedByDryRunAndByTheShell() throws Exception {
        String json = markedInventory();
        String before = export();
        String location = "/data/" + "x".repeat(5000 - "/data/".length());
        Path file = Files.writeString(tmp.resolve("long.json"), json.replace("/data/LOCMARK.raw", location));
        for (boolean dryRun : new boolean[] {true, false}) {
            ValidationException e = assertThrows(ValidationException.class, () -> transfer.importFrom(file, dryRun));
            assertTrue(e.field().matches("vms\\[\\d+]\\.disks\\[0]\\.location"), e.field());
            assertTrue(e.getMessage().contains("is 5000 characters long; at most 4096 are stored"), e.getMessage());
        }
        assertEquals(before, export(), "nothing changed");
        ValidationException shell = assertThrows(ValidationException.class, () -> inventory.addVm(new VmSpec("vm-long",
                "gen-host", OsInfo.linux("debian", "12"), List.of(), List.of(new VirtualDisk("disk-0", 1L << 30,
                        DiskFormat.RAW, location, Optional.empty())), Optional.empty(), false)));
        assertEquals("disks[0].location", shell.field());
    }

    @Test
    void dryRunPassesExactlyWhenTheImportPasses() throws Exception {
        long seed = Long.getLong("ferry.import.seed", System.nanoTime());
        System.out.println(getClass().getSimpleName() + " seed " + seed + " (replay with -Dferry.import.seed=" + seed
                + ")");
        Random random = new Random(seed);
        String base = markedInventory();
        int passed = 0;
        int refused = 0;
        for (int trial = 0; trial < 40; trial++) {
            String json = base;
            List<String> changed = new ArrayList<>();
            for (Marker m : MARKERS) {
                if (random.nextInt(3) == 0) {
                    String v = value(random, m);
                    json = json.replace(m.text(), v);
                    changed.add(m.text() + "=" + v.length() + " chars");
                }
            }
            Path file = Files.writeString(tmp.resolve("trial-" + trial + ".json"), json);
            String before = export();
            RuntimeException dry = outcome(() -> transfer.importFrom(file, true));
            assertEquals(before, export(), "--dry-run changes nothing");
            RuntimeException real = outcome(() -> transfer.importFrom(file, false));
            String what = "seed " + seed + ", trial " + trial + " " + changed;
            assertEquals(dry == null, real == null, what + ": dry run " + describe(dry) + ", import " + describe(real));
            if (dry != null) {
                assertTrue(dry instanceof ValidationException, what + ": " + describe(dry));
                assertEquals(dry.getMessage(), real.getMessage(), what);
                assertEquals(before, export(), what + ": a refused import changes nothing");
                refused++;
            } else {
                passed++;
            }
        }
        assertTrue(passed > 0 && refused > 0, "the generated files include good and bad ones (seed " + seed + "): "
                + passed + " passed, " + refused + " refused");
    }

    private static RuntimeException outcome(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static String describe(RuntimeException e) {
        return e == null ? "passed" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Test
    void aFileChangedBetweenValidationAndWriteChangesNothing() throws Exception {
        inventory.addServer(linux("repo-lin", "10.0.1.60").build());
        inventory.assignRole("repo-lin", ServerRole.of(RoleType.REPOSITORY));
        inventory.addHost(InventoryFixtures.host("pve-01", HostKind.PROXMOX_NODE, Optional.empty()));
        inventory.addVm(InventoryFixtures.vm("lin-01", "pve-01", OsInfo.linux("debian", "12"), null));
        jobs.createJob(JobSpec.of("pve-daily", Platform.PROXMOX, List.of("lin-01"), "repo-lin"));
        String json = export();
        Path file = Files.writeString(tmp.resolve("inventory.json"), json);
        // Another writer replaces the file after it was validated (a validator runs after every check
        // pass): the new content has a VM the validation never saw, on a host that does not exist.
        String swapped = json.replace("\"host\" : \"pve-01\"", "\"host\" : \"pve-99\"");
        assertTrue(!swapped.equals(json), json);
        transfer.addValidator(new JobValidator() {
            @Override
            public String name() {
                return "rewrites-the-file";
            }

            @Override
            public Optional<Platform> platform() {
                return Optional.empty();
            }

            @Override
            public List<String> problems(JobSpec job, InventorySnapshot snapshot) {
                try {
                    Files.writeString(file, swapped);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return List.of();
            }
        });
        inventory.addVm(InventoryFixtures.vm("extra-01", "pve-01", OsInfo.linux("debian", "12"), null));
        String before = export();
        ConflictException e = assertThrows(ConflictException.class, () -> transfer.importFrom(file, false));
        assertTrue(e.getMessage().contains("changed while it was being read; nothing was changed"), e.getMessage());
        assertEquals(before, export(), "nothing written");
    }
}
