package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.ConflictException;
import io.ferry.api.ValidationException;
import io.ferry.api.inventory.RoleType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13: If-Match on inventory changes, role types in paths, and a streamed body reaching its handler. */
class InventoryRoutesTest {

    private static ApiRequest withIfMatch(String ifMatch) {
        return new ApiRequest("DELETE", "/hosts/pve-01", Map.of("name", "pve-01"), Map.of(), new byte[0],
                name -> name.equalsIgnoreCase("If-Match") ? ifMatch : null);
    }

    private static long expected(String ifMatch) {
        return InventoryRoutes.expectedVersion(withIfMatch(ifMatch), "host", "pve-01", 7, "/hosts/");
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
        assertEquals("{\"bytes\":0,\"streamed\":\"a large file\"}".length(), upload.text().length(), upload.text());
        assertTrue(upload.text().contains("\"streamed\":\"a large file\""), upload.text());
        RequestHandler.Answer plain = handler.handle("POST", "/small", Map.of(), name -> null, () -> small,
                () -> {
                    throw new AssertionError("only a streaming route reads the stream");
                });
        assertEquals("{\"bytes\":2}", plain.text());
        assertEquals(List.of(), List.of());
    }
}
