package io.ferry.api.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import java.util.Locale;
import org.junit.jupiter.api.function.Executable;

/** Assertions shared by the inventory record tests. */
final class Refusals {

    private Refusals() {
    }

    /** Asserts that {@code action} is refused for {@code field} and returns the exception. */
    static ValidationException refused(String field, Executable action) {
        ValidationException e = assertThrows(ValidationException.class, action);
        assertEquals(field, e.field(), () -> "wrong field in: " + e.getMessage());
        return e;
    }

    /** Asserts that the administrator sees {@code text} (typically the bad value, quoted) in the message. */
    static void assertMentions(ValidationException e, String text) {
        assertTrue(e.getMessage().contains(text), () -> "expected '" + text + "' in: " + e.getMessage());
    }

    /** Runs {@code action} with another default locale, e.g. Turkish, where "I".toLowerCase() is not "i". */
    static void withDefaultLocale(Locale locale, Runnable action) {
        Locale saved = Locale.getDefault();
        Locale.setDefault(locale);
        try {
            action.run();
        } finally {
            Locale.setDefault(saved);
        }
    }

    static final Locale TURKISH = Locale.forLanguageTag("tr-TR");
}
