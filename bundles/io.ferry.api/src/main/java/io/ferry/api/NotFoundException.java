package io.ferry.api;

/** The named object does not exist. */
public class NotFoundException extends FerryException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    /** "No server named 'px-9' (see ferry:server-list)". */
    public static NotFoundException of(String kind, String key, String listCommand) {
        return new NotFoundException("No " + kind + " named '" + key + "' (see " + listCommand + ")");
    }
}
