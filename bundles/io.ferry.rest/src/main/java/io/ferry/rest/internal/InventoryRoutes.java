package io.ferry.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.api.NotFoundException;
import io.ferry.api.ValidationException;
import io.ferry.api.audit.Audit;
import io.ferry.api.inventory.HostSpec;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.inventory.ManagedServer;
import io.ferry.api.inventory.PlatformHost;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.inventory.ServerRole;
import io.ferry.api.inventory.VirtualMachine;
import io.ferry.api.inventory.VmSpec;
import io.ferry.api.paths.PathPolicy;
import io.ferry.api.security.FerryRole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The inventory's changes over REST: servers, their roles, hosts and VMs created and deleted
 * (servers, hosts and VMs also replaced), and the whole inventory exported and imported. Each is the call the
 * matching shell command makes ({@code ferry:server-add}, {@code role-assign},
 * {@code host-remove}, {@code inventory-import} ...), so the inventory service checks the role
 * ({@code ferry-admin}), validates as for the shell and audits the change with the user.
 *
 * <p>Bodies are the objects as {@code GET} answers them, the inventory export file's form, read
 * by the inventory's own reader ({@link InventoryTransfer#readServer} ...): {@code id} and
 * {@code version} are ignored, an unknown member is refused naming it. A server's, host's or
 * VM's {@code GET} answers its version as ETag; a change of an existing one must name it in
 * {@code If-Match} (missing 428, stale 409).
 */
final class InventoryRoutes {
    /** The largest inventory file {@code POST /inventory/import} takes (413 beyond). */
    static final long MAX_IMPORT = 256L * 1024 * 1024;

    private final InventoryService inventory;
    private final InventoryTransfer transfer;
    private final Audit audit;
    private final ObjectMapper mapper;
    private final TransferFiles files;
    private final long maxImport;

    InventoryRoutes(InventoryService inventory, InventoryTransfer transfer, Audit audit, ObjectMapper mapper,
            PathPolicy paths) {
        this(inventory, transfer, audit, mapper, paths, MAX_IMPORT);
    }

    /** With another upload limit than {@link #MAX_IMPORT} (tests). */
    InventoryRoutes(InventoryService inventory, InventoryTransfer transfer, Audit audit, ObjectMapper mapper,
            PathPolicy paths, long maxImport) {
        this.maxImport = maxImport;
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.transfer = Objects.requireNonNull(transfer, "transfer");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.files = new TransferFiles(paths);
    }

    void register(Router r) {
        r.post("/servers", this::createServer);
        r.add("PUT", "/servers/{name}", this::updateServer);
        r.add("DELETE", "/servers/{name}", this::deleteServer);
        r.post("/servers/{name}/roles", this::assignRole);
        r.add("DELETE", "/servers/{name}/roles/{type}", this::removeRole);
        r.post("/hosts", this::createHost);
        r.add("DELETE", "/hosts/{name}", this::deleteHost);
        r.post("/vms", this::createVm);
        r.add("DELETE", "/vms/{name}", this::deleteVm);
        r.get("/inventory/export", this::export);
        r.post("/inventory/import", (Router.StreamingHandler) this::importInventory);
        r.add("PUT", "/hosts/{name}", this::updateHost);
        r.add("PUT", "/vms/{name}", this::updateVm);
    }

    // --- servers and roles --------------------------------------------------------------------

    /**
     * POST /servers (as ferry:server-add): 201. The new server gets the guest interaction role
     * (seed 001); other roles are assigned afterwards, so {@code roles} may list that one only.
     */
    private ApiResponse createServer(ApiRequest req) {
        InventoryTransfer.ServerEntry entry = transfer.readServer(body(req));
        for (ServerRole role : entry.roles()) {
            if (role.type() != RoleType.GUEST_INTERACTION) {
                throw new ValidationException("roles", "a new server holds guest interaction only; assign "
                        + role.type() + " once it exists, with POST " + FerryApi.BASE + "/servers/"
                        + entry.spec().name() + "/roles");
            }
        }
        ManagedServer added = inventory.addServer(entry.spec());
        return created(server(added), "/servers/" + Paths.encode(added.name()));
    }

    /**
     * PUT /servers/{name} (as ferry:server-update): what is declared, replaced. Roles are changed
     * through {@code /servers/{name}/roles}: a body listing roles must list those the server holds.
     */
    private ApiResponse updateServer(ApiRequest req) {
        ManagedServer current = currentServer(req.parameter("name"));
        InventoryTransfer.ServerEntry entry = transfer.readServer(body(req));
        if (!entry.roles().isEmpty() && !entry.roles().equals(current.roles())) {
            throw new ValidationException("roles", "differ from the roles server '" + current.name() + "' holds ("
                    + types(current) + "); a PUT does not change roles: use POST " + FerryApi.BASE + "/servers/"
                    + current.name() + "/roles and DELETE .../roles/{type}, or leave roles out");
        }
        long expected = ETags.expected(req, "server", current.name(), current.version(), "/servers/");
        return tagged(200, server(inventory.updateServer(current.id(), expected, entry.spec())));
    }

    /** DELETE /servers/{name} (as ferry:server-remove): 204; a server still referenced is a 409 naming the references. */
    private ApiResponse deleteServer(ApiRequest req) {
        ManagedServer current = currentServer(req.parameter("name"));
        ETags.expected(req, "server", current.name(), current.version(), "/servers/");
        inventory.removeServer(current.id());
        return noContent();
    }

    /** POST /servers/{name}/roles (as ferry:role-assign): a role as the server's {@code roles} lists it. */
    private ApiResponse assignRole(ApiRequest req) {
        ManagedServer current = currentServer(req.parameter("name"));
        ServerRole role = transfer.readRole(body(req));
        ETags.expected(req, "server", current.name(), current.version(), "/servers/");
        return tagged(200, server(inventory.assignRole(current.id(), role)));
    }

    /** DELETE /servers/{name}/roles/{type} (as ferry:role-remove): 200 with the server. */
    private ApiResponse removeRole(ApiRequest req) {
        ManagedServer current = currentServer(req.parameter("name"));
        RoleType type = roleType(req.parameter("type"));
        ETags.expected(req, "server", current.name(), current.version(), "/servers/");
        return tagged(200, server(inventory.removeRole(current.id(), type)));
    }

    static RoleType roleType(String text) {
        try {
            return RoleType.valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("type", "'" + text + "' is not one of " + java.util.Arrays.toString(
                    RoleType.values()));
        }
    }

    private ManagedServer currentServer(String name) {
        return inventory.server(name).orElseThrow(() -> notFound("server", name, "/servers"));
    }

    private static String types(ManagedServer server) {
        return server.roles().stream().map(r -> r.type().name()).collect(Collectors.joining(", "));
    }

    // --- hosts and VMs ------------------------------------------------------------------------

    /** POST /hosts (as ferry:host-add): 201. */
    private ApiResponse createHost(ApiRequest req) {
        PlatformHost added = inventory.addHost(transfer.readHost(body(req)));
        return created(exported(List.of(added), transfer::writeHosts), "/hosts/" + Paths.encode(added.name()));
    }

    /** DELETE /hosts/{name} (as ferry:host-remove): 204; refused (409) while VMs or hosts name it. */
    private ApiResponse deleteHost(ApiRequest req) {
        String name = req.parameter("name");
        PlatformHost current = inventory.host(name).orElseThrow(() -> notFound("host", name, "/hosts"));
        ETags.expected(req, "host", current.name(), current.version(), "/hosts/");
        inventory.removeHost(current.id());
        return noContent();
    }

    /**
     * PUT /hosts/{name}: what is declared about the host, replaced (its storage too). It keeps its
     * id, so its VMs and child hosts follow a rename; a change that would break them is a 422.
     */
    private ApiResponse updateHost(ApiRequest req) {
        String name = req.parameter("name");
        PlatformHost current = inventory.host(name).orElseThrow(() -> notFound("host", name, "/hosts"));
        HostSpec spec = transfer.readHost(body(req));
        long expected = ETags.expected(req, "host", current.name(), current.version(), "/hosts/");
        return tagged(200, exported(List.of(inventory.updateHost(current.id(), expected, spec)), transfer::writeHosts));
    }

    /**
     * PUT /vms/{name}: what is known about the VM, replaced (its disks too). It keeps its id, so
     * the jobs backing it up keep it through a rename or a move to another host of its platform.
     */
    private ApiResponse updateVm(ApiRequest req) {
        String name = req.parameter("name");
        VirtualMachine current = inventory.vm(name).orElseThrow(() -> notFound("VM", name, "/vms"));
        VmSpec spec = transfer.readVm(body(req));
        long expected = ETags.expected(req, "VM", current.name(), current.version(), "/vms/");
        return tagged(200, exported(List.of(inventory.updateVm(current.id(), expected, spec)), transfer::writeVms));
    }

    /** POST /vms (as ferry:vm-add): 201. */
    private ApiResponse createVm(ApiRequest req) {
        VirtualMachine added = inventory.addVm(transfer.readVm(body(req)));
        return created(exported(List.of(added), transfer::writeVms), "/vms/" + Paths.encode(added.name()));
    }

    /** DELETE /vms/{name} (as ferry:vm-remove): 204. */
    private ApiResponse deleteVm(ApiRequest req) {
        String name = req.parameter("name");
        VirtualMachine current = inventory.vm(name).orElseThrow(() -> notFound("VM", name, "/vms"));
        ETags.expected(req, "VM", current.name(), current.version(), "/vms/");
        inventory.removeVm(current.id());
        return noContent();
    }

    // --- whole inventory ----------------------------------------------------------------------

    /**
     * GET /inventory/export (as ferry:inventory-export): the file, written to a private file
     * first and streamed from there, so that a large inventory is never in memory and a failure
     * is an error answer rather than a cut-off file.
     */
    private ApiResponse export(ApiRequest req) throws IOException {
        Path file = files.create("export-");
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                transfer.exportTo(out);
            }
            return new ApiResponse(200, new ApiResponse.FileBody(file), ApiResponse.JSON,
                    Map.of("Content-Disposition", "attachment; filename=\"ferry-inventory.json\""));
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * POST /inventory/import?dryRun=true|false (as ferry:inventory-import [--dry-run]): the body
     * is the file, stored (at most {@link #MAX_IMPORT} bytes by default) where the import reads it and
     * deleted afterwards. A dry run also says whether the file is the current inventory's export
     * byte for byte ({@code identicalToCurrent}: importing it would change nothing).
     */
    private ApiResponse importInventory(ApiRequest req) throws IOException {
        boolean dryRun = dryRun(req);
        // the role first: nothing of a refused caller's upload is stored
        audit.read(FerryRole.ADMIN, "inventory-import");
        String length = req.header().apply("Content-Length");
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > maxImport) {
            return tooLarge();
        }
        Path file = files.create("import-");
        try {
            byte[] digest;
            try (InputStream in = req.stream().get()) {
                digest = TransferFiles.copy(in, file, maxImport);
            } catch (TransferFiles.TooLargeException e) {
                return tooLarge();
            }
            ImportReport report = transfer.importFrom(file, dryRun);
            ObjectNode body = mapper.createObjectNode().put("applied", report.applied()).put("dryRun", dryRun)
                    .put("servers", report.servers()).put("hosts", report.hosts()).put("vms", report.vms())
                    .put("disks", report.disks()).put("jobs", report.jobs());
            if (dryRun) {
                body.put("identicalToCurrent", MessageDigest.isEqual(digest, currentExportDigest()));
            }
            return ApiResponse.ok(body);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static boolean dryRun(ApiRequest req) {
        String value = req.query("dryRun").orElseThrow(() -> new BadRequestException("dryRun", "is required: true"
                + " checks the file and changes nothing, false replaces the whole inventory with it"));
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadRequestException("dryRun", "must be true or false, not '" + value + "'");
        };
    }

    /** The SHA-256 of what GET /inventory/export answers now (the export is deterministic). */
    private byte[] currentExportDigest() throws IOException {
        MessageDigest sha256 = TransferFiles.sha256();
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
            transfer.exportTo(out);
        }
        return sha256.digest();
    }

    private ApiResponse tooLarge() {
        return new ApiResponse(413, new Problem(Problem.TYPE_PREFIX + "too-large", "Payload too large", 413,
                "body: an inventory file of more than " + maxImport / (1024 * 1024) + " MiB is not taken over"
                        + " REST; copy it into a directory of transfer.roots and run ferry:inventory-import there",
                "body"), ApiResponse.PROBLEM_JSON, Map.of());
    }

    // --- helpers ------------------------------------------------------------------------------

    /** The body as the inventory's reader reads it, after checking it is one JSON object (else 400, as for jobs). */
    private InputStream body(ApiRequest req) {
        req.jsonObject(mapper);
        return new ByteArrayInputStream(req.body());
    }

    private JsonNode server(ManagedServer server) {
        return exported(List.of(server), transfer::writeServers);
    }

    /** One object as GET answers it: the inventory's own writer (the export file's form, with id and version). */
    private <T> JsonNode exported(List<T> items, BiConsumer<List<T>, OutputStream> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.accept(items, out);
        try {
            return mapper.readTree(out.toByteArray()).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("the inventory wrote JSON Jackson cannot read", e);
        }
    }

    /** An object as GET answers it, with its {@code version} as the ETag that If-Match names in a change. */
    static ApiResponse tagged(int status, JsonNode object) {
        return new ApiResponse(status, object, ApiResponse.JSON, Map.of("ETag", ETags.of(object.path("version").asLong())));
    }

    private static ApiResponse created(JsonNode object, String path) {
        return new ApiResponse(201, object, ApiResponse.JSON, Map.of("ETag", ETags.of(object.path("version").asLong()),
                "Location", FerryApi.BASE + path));
    }

    private static ApiResponse noContent() {
        return new ApiResponse(204, new byte[0], ApiResponse.JSON, Map.of());
    }

    private static NotFoundException notFound(String kind, String name, String list) {
        if (name.isBlank()) {
            throw new ValidationException("name", "must not be blank");
        }
        return new NotFoundException("No " + kind + " named '" + name + "' (GET " + FerryApi.BASE + list
                + " lists them)");
    }
}
