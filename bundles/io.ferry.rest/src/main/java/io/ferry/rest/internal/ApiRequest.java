package io.ferry.rest.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as a handler sees it.
 *
 * @param method     HTTP method, upper case
 * @param path       the path below {@code /api/v1}, as requested (for links)
 * @param parameters the path template's parameters, decoded
 * @param query      the query parameters, decoded; the first value of each
 * @param body       the request body, empty when there is none
 * @param header     the request's headers by name (case-insensitive), null when absent
 * @param stream     the request body as a stream, for a {@link Router.StreamingHandler} (whose
 *                   {@code body} is empty): read once, as far as the handler wants
 */
record ApiRequest(String method, String path, Map<String, String> parameters, Map<String, List<String>> query,
        byte[] body, java.util.function.Function<String, String> header,
        java.util.function.Supplier<java.io.InputStream> stream) {

    ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        parameters = Map.copyOf(parameters);
        query = Map.copyOf(query);
        body = body.clone();
        header = header == null ? name -> null : header;
        stream = stream == null ? java.io.InputStream::nullInputStream : stream;
    }

    ApiRequest(String method, String path, Map<String, String> parameters, Map<String, List<String>> query,
            byte[] body, java.util.function.Function<String, String> header) {
        this(method, path, parameters, query, body, header, null);
    }

    ApiRequest(String method, String path, Map<String, String> parameters, Map<String, List<String>> query,
            byte[] body) {
        this(method, path, parameters, query, body, null);
    }

    ApiRequest(String method, String path, Map<String, String> parameters, Map<String, List<String>> query) {
        this(method, path, parameters, query, new byte[0]);
    }

    /** A path parameter the route declares. */
    String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no parameter {" + name + "}");
        }
        return value;
    }

    /** A query parameter, stripped; empty when absent or blank. */
    Optional<String> query(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        String value = values.get(0).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** The body as one JSON object: 400 naming {@code body} when it is not JSON or not an object. */
    com.fasterxml.jackson.databind.JsonNode jsonObject(com.fasterxml.jackson.databind.ObjectMapper mapper) {
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequestException("body", "is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot parse the request body", e);
        }
        if (node == null || !node.isObject()) {
            throw new BadRequestException("body", "must be a JSON object");
        }
        return node;
    }

    /** A string member of a request body: empty when absent or null, 422 naming it when not a string. */
    static Optional<String> text(com.fasterxml.jackson.databind.JsonNode body, String field) {
        com.fasterxml.jackson.databind.JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new io.ferry.api.ValidationException(field, "must be a string");
        }
        return Optional.of(value.asText());
    }
}
