package io.ferry.rest.internal;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ReferencedException;
import io.ferry.api.ValidationException;
import io.ferry.api.security.AccessDeniedException;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a call threw into the problem the client gets. Ferry's own errors carry messages
 * written for administrators and are passed on; anything else is a 500 whose detail is a
 * reference to the server log, never a stack trace.
 */
final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    static Problem of(Throwable error) {
        if (error instanceof PreconditionRequiredException e) {
            return Problem.of("precondition-required", "Precondition required", 428, e.getMessage());
        }
        if (error instanceof BadRequestException e) {
            return new Problem(Problem.TYPE_PREFIX + "bad-request", "Bad request", 400, e.getMessage(), e.field());
        }
        if (error instanceof ValidationException e) {
            return new Problem(Problem.TYPE_PREFIX + "validation", "Invalid input", 422, e.getMessage(), e.field());
        }
        if (error instanceof AccessDeniedException e) {
            return Problem.of("access-denied", "Forbidden", 403, e.getMessage());
        }
        if (error instanceof NotFoundException e) {
            return Problem.of("not-found", "Not found", 404, e.getMessage());
        }
        if (error instanceof ConflictException e) {
            return Problem.of("conflict", "Conflict", 409, e.getMessage());
        }
        if (error instanceof ReferencedException e) {
            return Problem.of("referenced", "Still in use", 409, e.getMessage());
        }
        if (error instanceof FerryException e) {
            return Problem.of("refused", "Refused", 422, e.getMessage());
        }
        String reference = UUID.randomUUID().toString();
        LOG.error("REST call failed (reference {})", reference, error);
        return Problem.of("internal", "Internal error", 500,
                "The request failed inside Ferry; the server log has the details under reference " + reference);
    }

    static Problem unauthenticated() {
        return Problem.of("unauthenticated", "Unauthorized", 401,
                "Log in with HTTP Basic authentication: a user of etc/users.properties with a Ferry role");
    }

    static Problem crossSite() {
        return Problem.of("cross-site", "Forbidden", 403, "A browser sent this change from another site; the API"
                + " accepts changes only from scripts and from its own pages");
    }

    static Problem notFound(String path) {
        return Problem.of("not-found", "Not found", 404, "No resource at /api/v1" + path
                + " (GET /api/v1/openapi.json lists them)");
    }

    static Problem methodNotAllowed(String method, String path, Set<String> allowed) {
        return Problem.of("method-not-allowed", "Method not allowed", 405, method + " is not allowed on /api/v1" + path
                + "; allowed: " + String.join(", ", allowed));
    }
}
