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
}
