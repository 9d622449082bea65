package io.ferry.rest.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One page of a list: its items, where it starts, the limit asked for, and the link to the next
 * page (absent on the last page). Lists never come back whole: 100 items by default, 1000 at most.
 */
record Page<T>(List<T> items, int offset, int limit, @JsonInclude(JsonInclude.Include.ALWAYS) String next) {
    Page {
        items = List.copyOf(items);
    }

    /** The answer of a paged list: items, offset, limit, total (when counted) and the next page's link. */
    com.fasterxml.jackson.databind.node.ObjectNode body(com.fasterxml.jackson.databind.ObjectMapper mapper,
            com.fasterxml.jackson.databind.JsonNode items, Long total) {
        com.fasterxml.jackson.databind.node.ObjectNode body = mapper.createObjectNode();
        body.set("items", items);
        body.put("offset", offset).put("limit", limit);
        if (total != null) {
            body.put("total", total);
        }
        body.put("next", next);
        return body;
    }
}
