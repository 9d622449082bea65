package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {

    private static String basic(String text) {
        return "Basic " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void userAndPasswordAreSplitAtTheFirstColonInUtf8() {
        assertEquals(new BasicCredentials("vera", "pä:ss"), BasicCredentials.parse(basic("vera:pä:ss")).orElseThrow());
        assertEquals("vera", BasicCredentials.parse("basic  " + basic("vera:x").substring(6)).orElseThrow().user());
    }

    @Test
    void missingMalformedOrOtherSchemesAreNoCredentials() {
        assertTrue(BasicCredentials.parse(null).isEmpty());
        assertTrue(BasicCredentials.parse("Bearer abc").isEmpty());
        assertTrue(BasicCredentials.parse("Basic !!!").isEmpty());
        assertTrue(BasicCredentials.parse(basic("no-colon")).isEmpty());
        assertTrue(BasicCredentials.parse(basic(":password-without-user")).isEmpty());
    }

    @Test
    void thePasswordIsNotInToString() {
        assertFalse(new BasicCredentials("vera", "hunter2").toString().contains("hunter2"));
    }
}
