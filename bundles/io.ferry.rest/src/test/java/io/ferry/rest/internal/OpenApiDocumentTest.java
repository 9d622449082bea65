package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.job.JobService;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.session.SessionService;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The hand-written OpenAPI document and the router describe the same API: every documented
 * operation is a route and every route is documented. (RestIT checks the live endpoints.)
 */
class OpenApiDocumentTest {

    /** A service the route table is built with but never called while building it. */
    private static <T> T unused(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName()
                    + " called while only the routes were wanted");
        }));
    }

    static Router routes() {
        return new FerryApi(unused(InventoryService.class), unused(InventoryTransfer.class), unused(JobService.class),
                unused(SessionService.class), unused(SelectionService.class), unused(AuditLog.class),
                () -> Optional.<AgentRegistry>empty(), unused(io.ferry.api.security.ApiTokens.class),
                new ObjectMapper(), Clock.systemUTC(), unused(io.ferry.api.session.JobRepositoryService.class),
                unused(io.ferry.api.paths.PathPolicy.class)).router();
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws Exception {
        JsonNode document;
        try (InputStream in = FerryApi.class.getResourceAsStream(FerryApi.OPENAPI_RESOURCE)) {
            document = new ObjectMapper().readTree(in);
        }
        assertEquals("3.0.3", document.path("openapi").asText());
        Set<String> documented = new TreeSet<>();
        for (Iterator<String> paths = document.path("paths").fieldNames(); paths.hasNext();) {
            String path = paths.next();
            for (Iterator<String> methods = document.path("paths").path(path).fieldNames(); methods.hasNext();) {
                documented.add(methods.next().toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        Set<String> routed = new TreeSet<>();
        routes().routes().forEach(r -> routed.add(r.method() + " " + r.template()));
        routed.addAll(SessionServlet.OPERATIONS); // the console's login, a servlet of its own
        assertEquals(routed, documented);
        assertTrue(routed.contains("POST /jobs/{name}/run"));
    }
}
