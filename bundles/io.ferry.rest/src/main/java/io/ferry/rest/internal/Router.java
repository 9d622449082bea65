package io.ferry.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API's routes: an HTTP method and a path template such as {@code /sessions/{id}} (relative
 * to {@code /api/v1}), each with its handler. A path that matches no template is a 404; a path
 * that matches a template of another method is a 405 naming the methods it has.
 */
final class Router {

    /** Answers one request; runs inside the caller's JAAS Subject. */
    @FunctionalInterface
    interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    /**
     * A handler that reads the request body itself, from {@link ApiRequest#stream()} (a file
     * upload larger than the JSON bodies' limit); its {@link ApiRequest#body()} is empty.
     */
    @FunctionalInterface
    interface StreamingHandler extends Handler {
    }

    /** One route: {@code method} and {@code template} as the OpenAPI document names them. */
    record Route(String method, String template, Handler handler) {
        Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(handler, "handler");
            if (!template.startsWith("/")) {
                throw new IllegalArgumentException("template '" + template + "' does not start with /");
            }
        }

        List<String> segments() {
            return Paths.segments(template);
        }
    }

    /** What a request path found: a route with its path parameters, or the methods the path has (none: 404). */
    record Match(Route route, Map<String, String> parameters, Set<String> allowed) {
        boolean found() {
            return route != null;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Handler handler) {
        Route route = new Route(method.toUpperCase(Locale.ROOT), template, handler);
        for (Route known : routes) {
            if (known.method().equals(route.method()) && known.template().equals(route.template())) {
                throw new IllegalArgumentException("route " + method + " " + template + " is already registered");
            }
        }
        routes.add(route);
        return this;
    }

    Router get(String template, Handler handler) {
        return add("GET", template, handler);
    }

    Router post(String template, Handler handler) {
        return add("POST", template, handler);
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * The route for {@code method} and the decoded path {@code segments}. Literal segments win over
     * parameters ({@code /jobs/names} before {@code /jobs/{name}}); HEAD is answered by GET routes.
     */
    Match match(String method, List<String> segments) {
        String wanted = method.toUpperCase(Locale.ROOT);
        Set<String> allowed = new TreeSet<>();
        Route best = null;
        Map<String, String> bestParameters = null;
        int bestLiterals = -1;
        for (Route route : routes) {
            Map<String, String> parameters = bind(route.segments(), segments);
            if (parameters == null) {
                continue;
            }
            allowed.add(route.method());
            boolean methodMatches = route.method().equals(wanted) || wanted.equals("HEAD") && route.method().equals("GET");
            int literals = route.segments().size() - parameters.size();
            if (methodMatches && literals > bestLiterals) {
                best = route;
                bestParameters = parameters;
                bestLiterals = literals;
            }
        }
        return new Match(best, best == null ? Map.of() : bestParameters, allowed);
    }

    /** The template's parameters bound to the path, or null when the path does not fit it. */
    private static Map<String, String> bind(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 1), p);
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return parameters;
    }
}
