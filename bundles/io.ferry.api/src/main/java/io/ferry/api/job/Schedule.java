package io.ferry.api.job;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a job runs by itself. Written as text, in one of these forms:
 * <ul>
 * <li>{@code manual}: never by itself (the default);</li>
 * <li>{@code daily HH:MM}: every day at that time (24 h, the server's time zone);</li>
 * <li>{@code weekly DAY[,DAY...] HH:MM}: on those days ({@code mon tue wed thu fri sat sun});</li>
 * <li>{@code cron EXPRESSION}: a Quartz cron expression (seconds minutes hours
 *     day-of-month month day-of-week [year]), e.g. {@code cron 0 30 22 ? * MON-FRI}.</li>
 * </ul>
 * {@link #text()} is the normalised form (lower case, single spaces); {@link #cron()} the
 * Quartz expression the scheduler runs. Runs of one job never overlap: a run due while the
 * previous one is still going is skipped and noted.
 *
 * @param text the normalised schedule
 */
public record Schedule(String text) {

    public static final Schedule MANUAL = new Schedule("manual");

    private static final Pattern TIME = Pattern.compile("([01]?\\d|2[0-3]):([0-5]\\d)");
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    public Schedule {
        text = normalise(text);
    }

    /** Parses a schedule; the error names what is wrong and shows the accepted forms. */
    public static Schedule parse(String text) {
        return new Schedule(text);
    }

    public boolean manual() {
        return text.equals("manual");
    }

    /** The Quartz cron expression; empty string for {@code manual}. */
    public String cron() {
        String[] parts = text.split(" ", 2);
        switch (parts[0]) {
            case "manual":
                return "";
            case "daily": {
                Matcher m = time(parts[1]);
                return "0 " + Integer.parseInt(m.group(2)) + " " + Integer.parseInt(m.group(1)) + " * * ?";
            }
            case "weekly": {
                String[] dt = parts[1].split(" ");
                Matcher m = time(dt[1]);
                return "0 " + Integer.parseInt(m.group(2)) + " " + Integer.parseInt(m.group(1)) + " ? * "
                        + dt[0].toUpperCase(Locale.ROOT);
            }
            default:
                return parts[1].toUpperCase(Locale.ROOT);
        }
    }

    private static Matcher time(String value) {
        Matcher m = TIME.matcher(value);
        if (!m.matches()) {
            throw invalid(value, "'" + value + "' is not a time: use HH:MM (24 h), e.g. 22:30");
        }
        return m;
    }

    private static String normalise(String raw) {
        if (raw == null || raw.isBlank()) {
            return "manual";
        }
        String t = raw.strip().replaceAll("\\s+", " ");
        String[] parts = t.split(" ", 2);
        String kind = parts[0].toLowerCase(Locale.ROOT);
        switch (kind) {
            case "manual":
                if (parts.length > 1) {
                    throw invalid(raw, "'manual' takes nothing after it");
                }
                return "manual";
            case "daily": {
                if (parts.length < 2 || parts[1].contains(" ")) {
                    throw invalid(raw, "write 'daily HH:MM', e.g. 'daily 22:00'");
                }
                Matcher m = time(parts[1]);
                return "daily " + String.format(Locale.ROOT, "%02d:%s", Integer.parseInt(m.group(1)), m.group(2));
            }
            case "weekly": {
                String[] dt = parts.length < 2 ? new String[0] : parts[1].split(" ");
                if (dt.length != 2) {
                    throw invalid(raw, "write 'weekly DAY[,DAY...] HH:MM', e.g. 'weekly mon,thu 21:30'");
                }
                StringBuilder days = new StringBuilder();
                for (String d : dt[0].toLowerCase(Locale.ROOT).split(",")) {
                    if (!DAYS.contains(d)) {
                        throw invalid(raw, "'" + d + "' is not a day: use " + String.join(" ", DAYS));
                    }
                    if (days.indexOf(d) < 0) {
                        days.append(days.length() == 0 ? "" : ",").append(d);
                    }
                }
                Matcher m = time(dt[1]);
                return "weekly " + days + " " + String.format(Locale.ROOT, "%02d:%s", Integer.parseInt(m.group(1)),
                        m.group(2));
            }
            case "cron": {
                String expr = parts.length < 2 ? "" : parts[1];
                int fields = expr.isEmpty() ? 0 : expr.split(" ").length;
                if (fields < 6 || fields > 7) {
                    throw invalid(raw, "a cron expression has 6 or 7 fields (seconds minutes hours day-of-month"
                            + " month day-of-week [year]), e.g. 'cron 0 30 22 ? * MON-FRI'; got " + fields);
                }
                return "cron " + expr;
            }
            default:
                throw invalid(raw, "'" + parts[0] + "' is not a schedule: use manual, 'daily HH:MM',"
                        + " 'weekly DAY[,DAY...] HH:MM' or 'cron EXPRESSION'");
        }
    }

    private static ValidationException invalid(String raw, String problem) {
        return new ValidationException("schedule", problem + " (in '" + Objects.toString(raw) + "')");
    }

    @Override
    public String toString() {
        return text;
    }
}
