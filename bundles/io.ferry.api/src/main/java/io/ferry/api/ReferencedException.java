package io.ferry.api;

import java.util.List;

/** An object cannot be removed because others still use it; {@link #references()} lists them. */
public class ReferencedException extends FerryException {
    private static final long serialVersionUID = 1L;

    private final List<String> references;

    public ReferencedException(String object, List<String> references) {
        super(object + " is still in use: " + String.join("; ", references)
                + ". Remove or change those first.");
        this.references = List.copyOf(references);
    }

    public List<String> references() {
        return references;
    }
}
