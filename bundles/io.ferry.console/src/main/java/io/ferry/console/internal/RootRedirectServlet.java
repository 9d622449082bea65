package io.ferry.console.internal;

import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/**
 * {@code https://host:8443/} sends the browser to the console ({@code /console/}). Pax Web
 * treats the root pattern as the default servlet, so every other path no servlet serves ends
 * here too: those are {@code 404}.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=",
        "osgi.http.whiteboard.servlet.name=ferry-console-root"})
public final class RootRedirectServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        ConsoleServlet.securityHeaders(response);
        if ((path.isEmpty() || path.equals("/")) && request.getMethod().equals("GET")) {
            response.sendRedirect(request.getContextPath() + "/console/");
            return;
        }
        response.sendError(HttpServletResponse.SC_NOT_FOUND, "Nothing here: the console is at /console/, the API at /api/v1");
    }
}
