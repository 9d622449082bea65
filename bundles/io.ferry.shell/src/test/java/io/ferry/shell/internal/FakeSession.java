package io.ferry.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;

/**
 * A shell session with the parts the repository commands use: the current directory, the
 * console (captured apart from the command's {@code System.out}), a terminal of a given type
 * (or none, as in {@code bin/client -b}) and a keyboard answering prompts from a script.
 */
final class FakeSession {
    final Path dir;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final Deque<String> answers = new ArrayDeque<>();
    final List<String> prompts = new ArrayList<>();
    final List<Character> masks = new ArrayList<>();
    /** Null: no terminal (a headless session, whose readLine is unsupported). */
    String terminalType = "xterm-256color";
    int width = 100;
    private final PrintStream consoleStream = new PrintStream(console, true, StandardCharsets.UTF_8);

    FakeSession(Path dir) {
        this.dir = dir;
    }

    FakeSession answering(String... lines) {
        answers.addAll(List.of(lines));
        return this;
    }

    FakeSession headless() {
        terminalType = null;
        return this;
    }

    FakeSession terminal(String type, int columns) {
        terminalType = type;
        width = columns;
        return this;
    }

    String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    Session session() {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "currentDir" -> dir;
                    case "getConsole" -> consoleStream;
                    case "getTerminal" -> terminalType == null ? null : terminal();
                    case "readLine" -> readLine((String) args[0], (Character) args[1]);
                    case "toString" -> "FakeSession";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private String readLine(String prompt, Character mask) {
        if (terminalType == null) {
            // What Karaf's HeadlessSessionImpl does.
            throw new UnsupportedOperationException();
        }
        prompts.add(prompt);
        masks.add(mask);
        return answers.poll();
    }

    private Terminal terminal() {
        return (Terminal) Proxy.newProxyInstance(Terminal.class.getClassLoader(), new Class<?>[] {Terminal.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getType" -> terminalType;
                    case "getWidth" -> width;
                    case "getHeight" -> 40;
                    case "isAnsiSupported" -> true;
                    case "toString" -> "FakeTerminal";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
