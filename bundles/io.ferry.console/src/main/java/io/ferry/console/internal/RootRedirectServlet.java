package io.ferry.console.internal;

import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;

/** {@code https://host:8443/} sends the browser to the console ({@code /console/}). */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=",
        "osgi.http.whiteboard.servlet.name=ferry-console-root"})
public final class RootRedirectServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getContextPath() + "/console/");
    }
}
