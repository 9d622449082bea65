package io.ferry.rest.internal;

import java.util.Map;
import java.util.Objects;

/**
 * What a handler answers: a status, a body (serialized as JSON unless it is a {@code byte[]}
 * with its own content type) and extra headers.
 */
record ApiResponse(int status, Object body, String contentType, Map<String, String> headers) {
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    ApiResponse {
        Objects.requireNonNull(contentType, "contentType");
        headers = Map.copyOf(headers);
    }

    /**
     * A body too large to hold in memory: the content of a file the handler wrote (private to
     * Ferry), streamed to the client and deleted once sent.
     */
    record FileBody(java.nio.file.Path path) {
        FileBody {
            Objects.requireNonNull(path, "path");
        }
    }

    static ApiResponse ok(Object body) {
        return new ApiResponse(200, body, JSON, Map.of());
    }

    /** 202: the work runs on; {@code location} is where to follow it. */
    static ApiResponse accepted(Object body, String location) {
        return new ApiResponse(202, body, JSON, Map.of("Location", location));
    }
}
