package io.ferry.shell.internal;

import io.ferry.api.FerryException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * The one way text from input reaches the operator's terminal: names and values from the inventory, import
 * files, sessions (errors from guests and native code) and error messages. Control characters are shown
 * escaped (ESC as backslash, u, 001b), so a hostile name cannot move the cursor, recolour, retitle or clear
 * the terminal, or hide text (bidirectional and zero-width format characters are escaped too). Issue 10.
 */
final class TerminalText {

    private TerminalText() {
    }

    /** One value or line: every control or format character escaped, line breaks included. */
    static String safe(Object value) {
        return escape(String.valueOf(value), false);
    }

    /** Text that may span lines (messages, wrapped notes): as {@link #safe}, but line feeds are kept. */
    static String safeLines(Object value) {
        return escape(String.valueOf(value), true);
    }

    private static String escape(String s, boolean keepLineFeeds) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = (Character.isISOControl(c) && !(keepLineFeeds && c == '\n'))
                    || Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029';
            if (bad && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (bad) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Throws {@code e}, or, when its message holds characters to escape, the same failure with them escaped. */
    static RuntimeException sanitized(RuntimeException e) {
        String message = e.getMessage();
        if (message == null || safeLines(message).equals(message)) {
            return e;
        }
        return new FerryException(safeLines(message), e);
    }

    /**
     * Prints {@code table} with every cell escaped ({@link #safeLines}: a cell may hold several lines). Karaf's
     * table keeps its cells private, so they are escaped in place through reflection; should a later Karaf
     * change that, the table is printed through an escaping stream instead (then with ASCII borders).
     */
    static void print(ShellTable table, PrintStream out) {
        try {
            Field rowsField = ShellTable.class.getDeclaredField("rows");
            rowsField.setAccessible(true);
            for (Object row : (List<?>) rowsField.get(table)) {
                Field dataField = row.getClass().getDeclaredField("data");
                dataField.setAccessible(true);
                List<Object> escaped = new ArrayList<>();
                for (Object cell : (List<?>) dataField.get(row)) {
                    escaped.add(cell == null ? null : safeLines(cell));
                }
                dataField.set(row, escaped);
            }
        } catch (ReflectiveOperationException | RuntimeException notKaraf44) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
            table.print(capture);
            out.print(safeLines(buffer.toString(StandardCharsets.UTF_8)));
            return;
        }
        table.print(out);
    }
}
