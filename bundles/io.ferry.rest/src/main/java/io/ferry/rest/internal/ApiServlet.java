package io.ferry.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ferry.api.agent.AgentRegistry;
import io.ferry.api.audit.AuditLog;
import io.ferry.api.inventory.InventoryService;
import io.ferry.api.inventory.InventoryTransfer;
import io.ferry.api.job.JobService;
import io.ferry.api.selection.SelectionService;
import io.ferry.api.session.SessionService;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code /api/v1/*} on Karaf's HTTP whiteboard (Pax Web; the listener is HTTPS only, see
 * {@link HttpsListener}). Every request logs in with HTTP Basic against the JAAS realm
 * {@code karaf}, the shell's, and runs as that user ({@link Subject#doAs}), so Ferry's
 * services check its roles and audit its changes exactly as for a shell command.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/v1/*",
        "osgi.http.whiteboard.servlet.name=ferry-rest-api"})
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String REALM = "karaf";
    static final String CHALLENGE = "Basic realm=\"Ferry\", charset=\"UTF-8\"";

    private final transient RequestHandler handler;

    @Activate
    public ApiServlet(@Reference InventoryService inventory, @Reference InventoryTransfer transfer,
            @Reference JobService jobs, @Reference SessionService sessions, @Reference SelectionService selection,
            @Reference AuditLog audit,
            @Reference ConsoleSessionStore consoleSessions,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            AgentRegistry agents) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        FerryApi api = new FerryApi(inventory, transfer, jobs, sessions, selection, audit,
                () -> Optional.ofNullable(agents), mapper, Clock.systemUTC());
        this.handler = new RequestHandler(api.router(), new JaasAuthenticator(REALM), mapper,
                new SessionCookieLogin(consoleSessions));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getContextPath() + request.getServletPath();
        String raw = request.getRequestURI();
        String path = raw.startsWith(prefix) ? raw.substring(prefix.length()) : raw;
        RequestHandler.Answer answer = handler.handle(request.getMethod(), path, query(request.getQueryString()),
                request::getHeader);
        response.setStatus(answer.status());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        answer.headers().forEach(response::setHeader);
        response.setContentType(answer.contentType());
        response.setContentLength(answer.body().length);
        if (!request.getMethod().toUpperCase(Locale.ROOT).equals("HEAD")) {
            try (OutputStream out = response.getOutputStream()) {
                out.write(answer.body());
            }
        }
    }

    /** The query string's parameters, decoded (as a form: '+' is a space). */
    static Map<String, List<String>> query(String queryString) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (queryString == null || queryString.isEmpty()) {
            return query;
        }
        for (String pair : queryString.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    static <T> T runAs(Subject subject, PrivilegedExceptionAction<T> action) throws Exception {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }
}
