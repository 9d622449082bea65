package io.ferry.console.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * {@code /console/*} on Karaf's HTTP whiteboard: the web console's HTML, CSS and JavaScript,
 * with a Content-Security-Policy that lets the pages load only their own files and talk only
 * to this origin (the API at {@code /api/v1}), and refuses framing. The pages hold no data of
 * their own: everything they show comes from the API, as the logged-in user.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/console/*",
        "osgi.http.whiteboard.servlet.name=ferry-console"})
public final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final transient ConsoleFiles files = new ConsoleFiles(ConsoleServlet.class.getClassLoader());

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) { // "/console" without the slash: relative links need it
            response.sendRedirect(request.getContextPath() + request.getServletPath() + "/");
            return;
        }
        securityHeaders(response);
        Optional<ConsoleFiles.File> file = files.find(path);
        if (file.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "No console file " + path);
            return;
        }
        response.setContentType(file.get().contentType());
        response.setContentLength(file.get().content().length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(file.get().content());
        }
    }

    static void securityHeaders(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        // the files change with the bundle: revalidate rather than run an old page against a new API
        response.setHeader("Cache-Control", "no-cache");
    }
}
