package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.ConflictException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.RoleType;
import io.ferry.api.audit.Audit;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.ImportReport;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.paths.ConfinedPaths;
import io.ferry.api.paths.PathArea;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: If-Match on inventory changes, role types in paths, and a streamed body reaching its handler. */
class InventoryRoutesTest {

    private static ApiRequest withIfMatch(String ifMatch) {
        return new ApiRequest("DELETE", "/hosts/pve-01", Map.of("name", "pve-01"), Map.of(), new byte[0],
                name -> name.equalsIgnoreCase("If-Match") ? ifMatch : null);
    }

    private static long expected(String ifMatch) {
        return ETags.expected(withIfMatch(ifMatch), "host", "pve-01", 7, "/hosts/");
    }

    @Test
    void ifMatchMustNameTheCurrentVersion() {
        assertEquals(7, expected("\"7\""));
        assertEquals(7, expected("W/\"7\""));
        assertEquals(7, expected(" 7 "));
        PreconditionRequiredException missing = assertThrows(PreconditionRequiredException.class, () -> expected(null));
        assertTrue(missing.getMessage().contains("\"7\" now, from GET /api/v1/hosts/pve-01"), missing.getMessage());
        assertThrows(PreconditionRequiredException.class, () -> expected(" "));
        ConflictException stale = assertThrows(ConflictException.class, () -> expected("\"6\""));
        assertEquals("Host 'pve-01' changed since you read it: it is at version 7, you sent \"6\" (GET it again,"
                + " then retry)", stale.getMessage());
        assertEquals("If-Match", assertThrows(BadRequestException.class, () -> expected("\"abc\"")).field());
        assertEquals("\"7\"", InventoryRoutes.tagged(200, new ObjectMapper().createObjectNode().put("version", 7))
                .headers().get("ETag"));
    }

    @Test
    void roleTypesAreReadAsTheShellWritesThemAndOthersNamed() {
        assertEquals(RoleType.VMWARE_PROXY, InventoryRoutes.roleType("vmware-proxy"));
        assertEquals(RoleType.REPOSITORY, InventoryRoutes.roleType("REPOSITORY"));
        ValidationException e = assertThrows(ValidationException.class, () -> InventoryRoutes.roleType("king"));
        assertEquals("type", e.field());
    }

    @Test
    void aStreamingRouteReadsTheBodyStreamAndOthersTheBoundedBody() {
        Router router = new Router()
                .post("/upload", (Router.StreamingHandler) req -> ApiResponse.ok(Map.of("bytes", req.body().length,
                        "streamed", new String(req.stream().get().readAllBytes(), StandardCharsets.UTF_8))))
                .post("/small", req -> ApiResponse.ok(Map.of("bytes", req.body().length)));
        RequestHandler handler = new RequestHandler(router, header -> java.util.Optional.of(new javax.security.auth
                .Subject()), new ObjectMapper());
        byte[] small = "{}".getBytes(StandardCharsets.UTF_8);
        RequestHandler.Answer upload = handler.handle("POST", "/upload", Map.of(), name -> null,
                () -> {
                    throw new AssertionError("a streaming route must not read the bounded body");
                }, () -> new ByteArrayInputStream("a large file".getBytes(StandardCharsets.UTF_8)));
        assertTrue(upload.text().contains("\"bytes\":0"), upload.text()); // its bounded body stays empty
        assertTrue(upload.text().contains("\"streamed\":\"a large file\""), upload.text());
        RequestHandler.Answer plain = handler.handle("POST", "/small", Map.of(), name -> null, () -> small,
                () -> {
                    throw new AssertionError("only a streaming route reads the stream");
                });
        assertEquals("{\"bytes\":2}", plain.text());
    }

    // --- the import's upload: role first, bounded, private, deleted ------------------------------

    @TempDir
    Path tmp;

    /** What the import service was asked, and the upload as it saw it. */
    private final List<String> calls = new ArrayList<>();

    private static final byte[] FILE = "{\"format\": \"ferry-inventory\", \"formatVersion\": 1}\n"
            .getBytes(StandardCharsets.UTF_8);

    /** Only import and export are expected: the import reads the stored upload, the export writes {@link #FILE}. */
    private InventoryTransfer transfer() {
        return (InventoryTransfer) Proxy.newProxyInstance(InventoryTransfer.class.getClassLoader(),
                new Class<?>[] {InventoryTransfer.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "importFrom" -> {
                            Path file = (Path) args[0];
                            calls.add("importFrom " + new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip()
                                    + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                                    + " validateOnly=" + args[1]);
                            return new ImportReport(1, 0, 0, 0, 0, !(boolean) args[1]);
                        }
                        case "exportTo" -> {
                            ((OutputStream) args[0]).write(FILE);
                            return null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private Path uploads() {
        return tmp.resolve("transfer").resolve(TransferFiles.DIRECTORY);
    }

    private RequestHandler importing(String role) throws Exception {
        ConfinedPaths paths = ConfinedPaths.fromConfiguration(
                Map.of(PathArea.TRANSFER_FILES.setting(), tmp.resolve("transfer").toString()),
                name -> tmp.resolve("data").toString(), Files.createDirectories(tmp.resolve("etc")));
        InventoryService inventory = (InventoryService) Proxy.newProxyInstance(InventoryService.class.getClassLoader(),
                new Class<?>[] {InventoryService.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        Router router = new Router();
        new InventoryRoutes(inventory, transfer(), Audit.to(AuditLog.NONE), new ObjectMapper(), paths, 1024 * 1024)
                .register(router);
        Subject subject = new Subject(true, Set.of(new RequestHandlerTest.UserPrincipal("ada"),
                new RequestHandlerTest.RolePrincipal(role)), Set.of(), Set.of());
        return new RequestHandler(router, header -> Optional.of(subject), new ObjectMapper());
    }

    private static RequestHandler.Answer post(RequestHandler handler, String dryRun, Function<String, String> header,
            Supplier<InputStream> body) {
        return handler.handle("POST", "/inventory/import", dryRun == null ? Map.of() : Map.of("dryRun", List.of(dryRun)),
                header, () -> {
                    throw new AssertionError("the import streams its body");
                }, body);
    }

    private static Supplier<InputStream> notRead() {
        return () -> {
            throw new AssertionError("the upload was read");
        };
    }

    private List<Path> leftInUploads() throws Exception {
        if (!Files.exists(uploads())) {
            return List.of();
        }
        try (var files = Files.list(uploads())) {
            return files.toList();
        }
    }

    @Test
    void anImportIsStoredPrivatelyForTheServiceAndDeletedAndADryRunComparesItWithTheExport() throws Exception {
        RequestHandler admin = importing("ferry-admin");
        RequestHandler.Answer dry = post(admin, "true", name -> null, () -> new ByteArrayInputStream(FILE));
        assertEquals(200, dry.status(), dry.text());
        assertEquals(List.of("importFrom {\"format\": \"ferry-inventory\", \"formatVersion\": 1} rw------- validateOnly=true"),
                calls);
        assertTrue(dry.text().contains("\"identicalToCurrent\":true"), dry.text());
        assertTrue(dry.text().contains("\"applied\":false"), dry.text());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(uploads())));
        assertEquals(List.of(), leftInUploads());

        byte[] other = "{\"format\": \"ferry-inventory\", \"formatVersion\": 1, \"servers\": []}"
                .getBytes(StandardCharsets.UTF_8);
        RequestHandler.Answer differs = post(admin, "true", name -> null, () -> new ByteArrayInputStream(other));
        assertTrue(differs.text().contains("\"identicalToCurrent\":false"), differs.text());
        RequestHandler.Answer applied = post(admin, "false", name -> null, () -> new ByteArrayInputStream(FILE));
        assertTrue(applied.text().contains("\"applied\":true") && !applied.text().contains("identicalToCurrent"),
                applied.text());
        assertEquals(List.of(), leftInUploads());
    }

    @Test
    void aRefusedCallerOrAMissingDryRunStoresNothingAndTooLargeIs413() throws Exception {
        RequestHandler.Answer viewer = post(importing("ferry-viewer"), "true", name -> null, notRead());
        assertEquals(403, viewer.status(), viewer.text());
        RequestHandler admin = importing("ferry-admin");
        RequestHandler.Answer noDryRun = post(admin, null, name -> null, notRead());
        assertEquals(400, noDryRun.status());
        assertTrue(noDryRun.text().contains("\"field\":\"dryRun\""), noDryRun.text());
        assertEquals(List.of(), leftInUploads());

        // declared too large: refused before a byte is read
        RequestHandler.Answer declared = post(admin, "true",
                name -> name.equalsIgnoreCase("Content-Length") ? "1048577" : null, notRead());
        assertEquals(413, declared.status(), declared.text());
        assertTrue(declared.text().contains("\"field\":\"body\""), declared.text());
        // undeclared (chunked) and too large: refused when the limit is passed, and the part read is deleted
        RequestHandler.Answer streamed = post(admin, "false", name -> null,
                () -> new ByteArrayInputStream(new byte[1024 * 1024 + 1]));
        assertEquals(413, streamed.status(), streamed.text());
        assertEquals(ApiResponse.PROBLEM_JSON, streamed.contentType());
        assertEquals(List.of(), calls);
        assertEquals(List.of(), leftInUploads());
    }
}
