package io.ferry.rest.internal;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.Optional;

/**
 * {@code ?offset=&limit=} of a list: offset from 0, limit 1 to {@value #MAX_LIMIT}, default
 * {@value #DEFAULT_LIMIT}. A value that is not a number is a 400, a number out of range a 422
 * (as any invalid value a service refuses); both name the parameter.
 */
record PageRequest(int offset, int limit) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    PageRequest {
        if (offset < 0) {
            throw new ValidationException("offset", "must not be negative, not " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }

    static PageRequest of(ApiRequest request) {
        return new PageRequest(number(request.query("offset"), "offset", 0),
                number(request.query("limit"), "limit", DEFAULT_LIMIT));
    }

    static int number(Optional<String> text, String name, int fallback) {
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new BadRequestException(name, "'" + text.get() + "' is not a whole number");
        }
    }

    /**
     * The page of {@code fetched}, the items a query for {@code limit + 1} items from {@code offset} returned:
     * the extra item only tells that there is a next page.
     */
    <T> Page<T> page(List<T> fetched, String path, String otherParameters) {
        boolean more = fetched.size() > limit;
        List<T> items = more ? fetched.subList(0, limit) : fetched;
        String next = more ? path + "?" + otherParameters + "offset=" + (offset + limit) + "&limit=" + limit : null;
        return new Page<>(items, offset, limit, next);
    }

    /** The items from this page's offset, one more than its limit (to tell whether a next page exists). */
    <T> List<T> window(List<T> all) {
        if (offset >= all.size()) {
            return List.of();
        }
        return all.subList(offset, (int) Math.min(all.size(), (long) offset + limit + 1));
    }
}
