package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.ValidationException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The list options of the update commands (--X, --add-X, --remove-X) on plain strings "key=value". */
class ListChangesTest {

    private static final ListChanges<String> PORTS = new ListChanges<>("--port", "--add-port", "--remove-port", "port",
            (Function<String, String>) s -> s.substring(0, s.indexOf('=')));
    private static final List<String> CURRENT = List.of("a=1", "b=2");

    private static String error(Runnable r) {
        return assertThrows(ValidationException.class, r::run).getMessage();
    }

    @Test
    void nothingGivenKeepsTheList() {
        assertEquals(CURRENT, PORTS.apply("box 'x'", CURRENT, null, null, null));
    }

    @Test
    void replaceTakesTheNewListAndMayNotBeMixedWithAddOrRemove() {
        assertEquals(List.of("c=3"), PORTS.apply("box 'x'", CURRENT, List.of("c=3"), List.of(), List.of()));
        assertEquals("--port: replaces all ports; do not combine it with --add-port or --remove-port",
                error(() -> PORTS.apply("box 'x'", CURRENT, List.of("c=3"), List.of("d=4"), null)));
    }

    @Test
    void removeGoesByKeyWithoutCaseThenAddAppends() {
        assertEquals(List.of("b=2", "c=3"), PORTS.apply("box 'x'", CURRENT, null, List.of("c=3"), List.of("A")));
    }

    @Test
    void addingTheSameEntryAgainChangesNothingButADifferentOneWithTheKeyIsRefusedUnlessRemoved() {
        assertEquals(CURRENT, PORTS.apply("box 'x'", CURRENT, null, List.of("a=1"), null));
        assertEquals("--add-port: box 'x' already has port 'a'; to replace it, give --remove-port a too",
                error(() -> PORTS.apply("box 'x'", CURRENT, null, List.of("a=9"), null)));
        assertEquals(List.of("b=2", "a=9"), PORTS.apply("box 'x'", CURRENT, null, List.of("a=9"), List.of("a")));
    }

    @Test
    void removingWhatIsNotThereNamesWhatThereIs() {
        assertEquals("--remove-port: box 'x' has no port 'z' (it has: a, b)",
                error(() -> PORTS.apply("box 'x'", CURRENT, null, null, List.of("z"))));
        assertEquals("--remove-port: box 'x' has no port 'z' (it has: none)",
                error(() -> PORTS.apply("box 'x'", List.of(), null, null, List.of("z"))));
    }

    @Test
    void blankRemovalsAreIgnored() {
        assertEquals(CURRENT, PORTS.apply("box 'x'", CURRENT, null, null, List.of(" ")));
        assertEquals(true, ListChanges.absent(null, List.of(), null));
        assertEquals(false, ListChanges.absent(null, List.of("a=1"), null));
    }
}
