package io.ferry.shell.internal;

import io.ferry.api.ValidationException;
import io.ferry.api.mover.DataMover;
import io.ferry.api.mover.DiskSource;
import io.ferry.api.mover.DiskSources;
import io.ferry.api.mover.SourceOptions;
import io.ferry.api.repository.BackupInfo;
import io.ferry.api.repository.BackupRequest;
import io.ferry.api.repository.BackupStats;
import io.ferry.api.repository.Repository;
import io.ferry.api.repository.RepositoryService;
import io.ferry.api.session.SessionService;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "ferry", name = "backup-disk", description = "Backs up a disk image, block device or NBD export into a repository.",
        detailedDescription = """
                SOURCE is a file or block device path, or an NBD URI: nbd://HOST[:PORT]/EXPORT,
                nbds://... (TLS), nbd+unix:///EXPORT?socket=/path/to.sock. Holes and zero
                blocks are never read; chunks already in the repository are not stored
                again. Nothing is visible until the backup is complete: a failed or
                cancelled (Ctrl-C) backup leaves no backup behind.

                Backups of the same disk key form a chain: the latest one is the parent of
                the next. --disk sets the key; without it the key is the source's file or
                export name (printed). --full starts a new chain (no parent).

                --bitmap NAME reads only the blocks a QEMU dirty bitmap marks as changed
                since the parent backup (the NBD server must export qemu:dirty-bitmap:NAME).
                Without a parent (first backup, --full, size changed) every allocated
                block is read. --parent BACKUP (id or unique prefix) makes exactly that
                backup of the same key the parent instead of the latest one: name the
                backup the bitmap started recording at, so that a backup of the key
                someone else wrote since is never taken as the base.

                The repository password comes from --password-file, else from the
                environment variable FERRY_REPOSITORY_PASSWORD, else from a prompt.
                Options come before SOURCE.

                Examples:
                  ferry:backup-disk --repo /srv/ferry/repo /var/lib/libvirt/images/web-01.raw
                  ferry:backup-disk --repo /srv/ferry/repo --disk web-01/disk0 --label job=nightly nbd://10.0.1.21/web-01
                  ferry:backup-disk --repo /srv/ferry/repo --disk web-01/disk0 --bitmap ferry-1 "nbd+unix:///backup?socket=/run/ferry/web-01.sock"
                  ferry:backup-disk --repo /srv/ferry/repo --tls-certificates /etc/ferry/nbd-tls nbds://10.0.1.21/web-01
                  ferry:backup-disk --repo /srv/ferry/repo --json --password-file /etc/ferry/repo.pass /dev/vg0/web-01-snap""")
public class BackupDiskCommand implements Action {

    /** {@code nbd://}, {@code nbds+unix://}, {@code file:/...}: anything else is a path, even with a ':' in it. */
    private static final Pattern URI_SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://|file:).*");
    private static final int MAX_KEY = 200;

    @Reference
    private RepositoryService repositories;

    @Reference
    private DiskSources sources;

    @Reference
    private DataMover mover;

    @Reference
    private Session session;

    @Option(name = "--repo", description = "Repository directory (or --job-repo)")
    @Completion(FileCompleter.class)
    private String repo;

    @Option(name = "--disk", description = "Disk key: backups with the same key form a chain (default: the source's"
            + " file or export name)")
    private String disk;

    @Option(name = "--bitmap", description = "Read only blocks changed according to this QEMU dirty bitmap (NBD sources)")
    private String bitmap;

    @Option(name = "--full", description = "Start a new chain: no parent, every allocated block is read")
    private boolean full;

    @Option(name = "--parent", description = "Backup (id or unique prefix) to use as the parent instead of the"
            + " latest backup of the disk key, e.g. the one the dirty bitmap is relative to")
    private String parent;

    @Option(name = "--tls-certificates", description = "Directory with ca-cert.pem (and client-cert.pem,"
            + " client-key.pem) for nbds:// sources")
    @Completion(FileCompleter.class)
    private String tlsCertificates;

    @Option(name = "--label", multiValued = true, description = "KEY=VALUE kept with the backup (repeatable)")
    private List<String> labels;

    @Option(name = "--no-progress", description = "Do not show the progress bar")
    private boolean noProgress;

    @Option(name = "--json", description = "Print the finished backup as JSON (no progress bar)")
    private boolean json;

    @Option(name = "--password-file", description = "File whose first line is the password (else"
            + " FERRY_REPOSITORY_PASSWORD, else a prompt)")
    @Completion(FileCompleter.class)
    private String passwordFile;

    @Option(name = "--job-repo", description = "Instead of --repo: the repository the jobs store to on this"
            + " repository server, opened with Ferry's own password (no --password-file)")
    @Completion(ServerNameCompleter.class)
    private String jobRepo;

    @Reference(optional = true)
    private SessionService sessions;

    @Argument(index = 0, name = "SOURCE", required = true, description = "Path, nbd://, nbds:// or nbd+unix:// URI")
    @Completion(FileCompleter.class)
    private String source;

    /** The Karaf process's environment; replaced in tests. */
    private Function<String, String> environment = System::getenv;

    @Override
    public Object execute() throws Exception {
        String location = location(session, source);
        String key = disk == null ? derivedKey(location) : checkedKey(disk.strip(), "--disk");
        Map<String, String> labelMap = labels(labels);
        SourceOptions options = options(location);
        BackupInfo info;
        RepoAccess.Opened opened = RepoAccess.open(repositories, sessions, session, environment, repo, jobRepo,
                passwordFile, "ferry:backup-disk");
        try (Repository repository = opened.repository()) {
            if (disk == null && !json) {
                System.out.println("Disk key: " + key + " (from the source's name; choose another with --disk)");
            }
            ProgressBar bar = ProgressBar.forSession(session, !noProgress && !json);
            try (DiskSource diskSource = sources.open(location, options)) {
                BackupRequest request = new BackupRequest(key, diskSource.description(), diskSource.size(), full,
                        labelMap, parentId(repository));
                info = bar.run("backup", () -> mover.backup(diskSource, repository, request, bar));
            } finally {
                bar.finish();
            }
        }
        if (json) {
            JsonOutput.print(JsonOutput.VIEWS.backup(info));
            return null;
        }
        printSummary(info);
        return null;
    }

    /** The full id of {@code --parent}, or null for the latest backup of the key. */
    private String parentId(Repository repository) {
        if (parent == null) {
            return null;
        }
        if (full) {
            throw new ValidationException("--parent", "--full starts a new chain without a parent: leave out --full or"
                    + " --parent " + parent.strip());
        }
        return repository.backup(parent.strip()).id();
    }

    private void printSummary(BackupInfo info) {
        BackupStats s = info.stats();
        System.out.println("Backup " + info.id() + " of disk '" + info.disk() + "' is complete.");
        ShellTable table = BackupText.details();
        BackupText.row(table, "Parent", info.parentId().map(p -> p + " (incremental)").orElse("full"));
        BackupText.row(table, "Source", info.source());
        BackupText.row(table, "Disk size", ProgressBar.bytes(info.size()) + " (" + ProgressBar.bytes(s.dataBytes())
                + " data, " + ProgressBar.bytes(s.zeroBytes()) + " zeros or unallocated)");
        BackupText.row(table, "Read", ProgressBar.bytes(s.readBytes()));
        BackupText.row(table, "New", ProgressBar.bytes(s.newBytes()) + " in " + PlanPrinter.plural(s.newChunks(), "chunk")
                + ", stored as " + ProgressBar.bytes(s.storedBytes()) + "; " + PlanPrinter.plural(s.reusedChunks(),
                        "chunk") + " reused");
        BackupText.row(table, "Dedupe", BackupText.dedupe(s));
        BackupText.row(table, "Compression", BackupText.ratio(s.compressionRatio()));
        BackupText.row(table, "Duration", BackupText.duration(info.duration()) + " (" + BackupText.rate(s.readBytes(),
                info.duration()) + " read)");
        BackupText.row(table, "Change tracking", BackupText.tracking(s.changeTracking()));
        if (!info.labels().isEmpty()) {
            BackupText.row(table, "Labels", new TreeMap<>(info.labels()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        TerminalText.print(table, System.out);
        if (bitmap != null && (s.changeTracking() == null || !s.changeTracking().startsWith(BackupText.DIRTY_BITMAP))) {
            System.out.println("Note: the dirty bitmap '" + bitmap.strip() + "' was not used because this backup has no"
                    + " usable parent (first backup of the disk, --full, or the parent's size differs); every allocated"
                    + " block was read. The next backup of '" + info.disk() + "' with --bitmap reads only changed blocks.");
        }
    }

    /** A URI as given; a path relative to the shell's directory. */
    static String location(Session session, String source) {
        if (source == null || source.isBlank()) {
            throw new ValidationException("SOURCE", "is empty: name a disk image, block device or NBD URI");
        }
        String s = source.strip();
        if (URI_SCHEME.matcher(s).matches()) {
            return s;
        }
        return RepoAccess.path(session, s, "SOURCE").toString();
    }

    static boolean isNbd(String location) {
        return scheme(location).startsWith("nbd");
    }

    static boolean isTls(String location) {
        return scheme(location).startsWith("nbds");
    }

    private static String scheme(String location) {
        int colon = location.indexOf(':');
        return colon < 0 || location.startsWith("/") ? "" : location.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /**
     * The disk key for a source when --disk is not given: the export name of an NBD URI
     * ({@code nbd://h/vm/web-01} gives {@code vm/web-01}), else the socket's or host's name,
     * else the file name of a path ({@code /images/web-01.qcow2} gives {@code web-01.qcow2}),
     * with characters a key cannot hold replaced by '-'.
     */
    static String derivedKey(String location) {
        String name;
        if (isNbd(location)) {
            name = nbdName(location);
        } else {
            String path = location;
            if (scheme(location).equals("file")) {
                path = uri(location).getPath();
            }
            Path fileName = path == null ? null : Path.of(path).getFileName();
            name = fileName == null ? "" : fileName.toString();
        }
        String key = sanitise(name);
        if (key.isEmpty()) {
            throw new ValidationException("--disk", "cannot derive a disk key from '" + location + "'; name one with"
                    + " --disk KEY, e.g. --disk web-01/disk0");
        }
        return checkedKey(key, "--disk");
    }

    private static String nbdName(String location) {
        URI uri = uri(location);
        String export = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
        if (!export.isEmpty()) {
            return export;
        }
        String socket = queryParameter(uri.getRawQuery(), "socket");
        if (socket != null) {
            Path fileName = Path.of(socket).getFileName();
            return fileName == null ? "" : fileName.toString();
        }
        if (uri.getHost() == null) {
            return "";
        }
        return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static URI uri(String location) {
        try {
            return new URI(location);
        } catch (URISyntaxException e) {
            throw new ValidationException("SOURCE", "'" + location + "' is not a valid URI: " + e.getReason()
                    + " (escape spaces and special characters as %XX)");
        }
    }

    /** Letters, digits and {@code . _ : / -} kept; runs of anything else become one '-'; starts with a letter or digit. */
    static String sanitise(String name) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = c < 128 && (Character.isLetterOrDigit(c) || ".:_/-".indexOf(c) >= 0);
            if (allowed) {
                key.append(c);
            } else if (key.length() > 0 && key.charAt(key.length() - 1) != '-') {
                key.append('-');
            }
        }
        int start = 0;
        while (start < key.length() && !Character.isLetterOrDigit(key.charAt(start))) {
            start++;
        }
        String trimmed = key.substring(start).replaceAll("[-/]+$", "");
        return trimmed.length() <= MAX_KEY ? trimmed : trimmed.substring(0, MAX_KEY);
    }

    /** Checks the key against the rule of BackupRequest, naming the option. */
    static String checkedKey(String key, String option) {
        try {
            return BackupRequest.of(key, "", 0).disk();
        } catch (ValidationException e) {
            throw new ValidationException(option, e.problem());
        }
    }

    /** {@code --label job=nightly --label vm=web-01}. */
    static Map<String, String> labels(List<String> values) {
        Map<String, String> labels = new TreeMap<>();
        for (String value : Arguments.nonNull(values)) {
            String v = value == null ? "" : value.strip();
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw new ValidationException("--label", "'" + v + "' is not KEY=VALUE, e.g. --label job=nightly");
            }
            String key = v.substring(0, eq).strip();
            if (labels.put(key, v.substring(eq + 1).strip()) != null) {
                throw new ValidationException("--label", "'" + key + "' is given twice");
            }
        }
        return labels;
    }

    private SourceOptions options(String location) {
        SourceOptions options = SourceOptions.defaults();
        if (bitmap != null) {
            if (bitmap.isBlank()) {
                throw new ValidationException("--bitmap", "is empty: name the QEMU dirty bitmap, e.g. --bitmap ferry-1");
            }
            if (!isNbd(location)) {
                throw new ValidationException("--bitmap", "dirty bitmaps come from an NBD server (qemu-nbd or QEMU's"
                        + " block-export-add); '" + location + "' is not an nbd:// URI");
            }
            options = options.withDirtyBitmap(bitmap.strip());
        }
        return withTls(options, session, tlsCertificates, location, "sources");
    }

    /** The options with {@code --tls-certificates}, checked: a directory, and only for nbds:// locations. */
    static SourceOptions withTls(SourceOptions options, Session session, String tlsCertificates, String location,
            String what) {
        if (tlsCertificates == null) {
            return options;
        }
        if (!isTls(location)) {
            throw new ValidationException("--tls-certificates", "only applies to nbds:// and nbds+unix:// " + what
                    + ", not to '" + location + "'");
        }
        Path dir = RepoAccess.path(session, tlsCertificates, "--tls-certificates");
        if (!Files.isDirectory(dir)) {
            throw new ValidationException("--tls-certificates", "'" + dir + "' is not a directory; name the"
                    + " directory that holds ca-cert.pem");
        }
        return options.withTlsCertificates(dir);
    }
}
