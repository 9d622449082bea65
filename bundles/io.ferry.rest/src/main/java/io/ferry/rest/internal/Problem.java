package io.ferry.rest.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * An error answer, {@code application/problem+json} (RFC 9457). {@code type} is a URN naming the
 * kind of problem (docs/rest-api.md lists them), {@code field} the offending value where one is
 * known (a validation error's path, a query parameter).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Problem(String type, String title, int status, String detail, String field) {
    static final String TYPE_PREFIX = "urn:ferry:problem:";

    Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        field = field == null || field.isEmpty() ? null : field;
    }

    static Problem of(String kind, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + kind, title, status, detail, null);
    }
}
