package io.ferry.api;

import java.util.Objects;

/**
 * Input that breaks a rule: a malformed value or an inventory rule from the product
 * documentation. {@link #field()} is the path of the offending value, for example
 * {@code address} or, in an import file, {@code servers[3].networks[0]}.
 */
public class ValidationException extends FerryException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public ValidationException(String field, String problem) {
        super(field.isEmpty() ? problem : field + ": " + problem);
        this.field = field;
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** Path of the offending value; empty when the problem concerns the object as a whole. */
    public String field() {
        return field;
    }

    /** The problem, without the field path. */
    public String problem() {
        return problem;
    }

    /** The same problem, located under {@code prefix} (e.g. {@code servers[3]}). */
    public ValidationException under(String prefix) {
        if (prefix.isEmpty()) {
            return this;
        }
        String path = field.isEmpty() ? prefix : prefix + (field.startsWith("[") ? "" : ".") + field;
        ValidationException moved = new ValidationException(path, problem);
        moved.setStackTrace(getStackTrace());
        return moved;
    }
}
