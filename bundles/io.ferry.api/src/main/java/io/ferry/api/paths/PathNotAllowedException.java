package io.ferry.api.paths;

import io.ferry.api.ValidationException;
import java.util.Objects;

/**
 * A path or NBD endpoint outside what {@link PathPolicy} allows. The message names the path,
 * the roots and the setting that would allow it; {@link #field()} is that setting (e.g.
 * {@code restore.roots}), or {@code etc} for Ferry's configuration directory, which no
 * setting opens.
 */
public class PathNotAllowedException extends ValidationException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    public PathNotAllowedException(String setting, String problem) {
        super(setting, problem);
        this.setting = Objects.requireNonNull(setting, "setting");
    }

    /** The setting of {@value PathPolicy#PID} that would allow the path; {@code etc} when none can. */
    public String setting() {
        return setting;
    }
}
