package io.ferry.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.console.Session;

/**
 * Runs a command as Karaf would after injection: fields set by name (as the option parser
 * and {@code @Reference} do), {@code System.out} captured as the session console.
 */
final class CommandHarness {

    private CommandHarness() {
    }

    static <A extends Action> A with(A action, Object... namesAndValues) {
        return inject(action, namesAndValues);
    }

    /** Sets fields by name, as Karaf's {@code @Reference} injection does for commands and completers. */
    static <T> T inject(T target, Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            set(target, (String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return target;
    }

    /** The command's console output. */
    static String run(Action action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream console = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(console);
            action.execute();
            if (console.checkError()) {
                throw new AssertionError("the console was closed or failed");
            }
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** A session whose only working part is the current directory. */
    static Session sessionIn(Path dir) {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("currentDir") && (args == null || args.length == 0)) {
                        return dir;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void set(Object target, String name, Object value) {
        try {
            Field field = target.getClass().getDeclaredField(name);
            field.setAccessible(true);
            field.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no field " + name + " in " + target.getClass().getSimpleName(), e);
        }
    }
}
