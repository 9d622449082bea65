package io.ferry.api.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the audit trail. Texts are masked on construction (see {@link #mask}) and
 * shortened to {@link #MAX_TEXT} characters, so no implementation can store a secret.
 *
 * @param id      the catalog's number of the entry, increasing; 0 for an entry not yet recorded
 * @param time    when the call was made
 * @param user    who made it ({@code system} for Ferry's own work)
 * @param action  what was asked, as the command names it, e.g. {@code server-add}, {@code job-run}
 * @param target  the object acted on (a name, a path), empty when none
 * @param result  how it ended
 * @param message the error or refusal message; empty when OK
 */
public record AuditEntry(long id, Instant time, String user, String action, String target, AuditResult result,
        String message) {

    /** Texts longer than this are cut. */
    public static final int MAX_TEXT = 1000;

    private static final String SECRET_WORD = "[\\w.-]*(?i:password|passwd|passphrase|secret|token|api[-_]?key"
            + "|credential)[\\w.-]*";
    /** {@code word=value}, {@code word: value}. */
    private static final Pattern ASSIGNED = Pattern.compile("(" + SECRET_WORD + "\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;]+)");
    /** {@code --option value}. */
    private static final Pattern OPTION = Pattern.compile("(--" + SECRET_WORD + "\\s+)(\"[^\"]*\"|'[^']*'|[^\\s,;]+)");

    public AuditEntry {
        Objects.requireNonNull(time, "time");
        requireText(user, "user");
        requireText(action, "action");
        Objects.requireNonNull(result, "result");
        user = cut(mask(user.strip()));
        action = cut(action.strip());
        target = target == null ? "" : cut(mask(target.strip()));
        message = message == null ? "" : cut(mask(message.strip()));
    }

    /** A new entry (id 0) to record. */
    public static AuditEntry of(Instant time, String user, String action, String target, AuditResult result,
            String message) {
        return new AuditEntry(0, time, user, action, target, result, message);
    }

    /**
     * {@code text} with the value after every password-like word hidden:
     * {@code password=hunter2}, {@code db.password: "a b"}, {@code --password-file x} become
     * {@code password=***}, {@code db.password: ***}, {@code --password-file ***}.
     */
    public static String mask(String text) {
        String masked = ASSIGNED.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + "***");
        return OPTION.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + "***");
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an audit entry needs a " + name);
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }
}
