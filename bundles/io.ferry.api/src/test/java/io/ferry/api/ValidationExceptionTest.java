package io.ferry.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ValidationExceptionTest {

    @Test
    void messageStartsWithTheFieldPathFollowedByTheProblem() {
        ValidationException e = new ValidationException("address", "'px 01' is neither an IP address nor a valid host name");

        assertEquals("address: 'px 01' is neither an IP address nor a valid host name", e.getMessage());
        assertEquals("address", e.field());
        assertEquals("'px 01' is neither an IP address nor a valid host name", e.problem());
    }

    @Test
    void problemWithTheWholeObjectHasNoFieldPrefix() {
        ValidationException e = new ValidationException("", "a host cannot be its own parent");

        assertEquals("a host cannot be its own parent", e.getMessage());
        assertEquals("", e.field());
    }

    @Test
    void isAFerryExceptionSoCallersCatchEveryServiceErrorInOnePlace() {
        assertInstanceOf(FerryException.class, new ValidationException("name", "is required"));
    }

    @Test
    void underPutsTheFieldBelowTheImportFileEntry() {
        ValidationException moved = new ValidationException("address", "is required").under("servers[3]");

        assertEquals("servers[3].address", moved.field());
        assertEquals("is required", moved.problem());
        assertEquals("servers[3].address: is required", moved.getMessage());
    }

    @Test
    void underAppendsAnIndexFieldWithoutADot() {
        ValidationException moved = new ValidationException("[0]", "'10.0.1.5/24' has host bits set").under("networks");

        assertEquals("networks[0]", moved.field());
    }

    @Test
    void underNestsRepeatedlyFromTheInnermostValueOutwards() {
        ValidationException moved = new ValidationException("[0]", "bad network")
                .under("networks")
                .under("servers[3]");

        assertEquals("servers[3].networks[0]", moved.field());
        assertEquals("servers[3].networks[0]: bad network", moved.getMessage());
    }

    @Test
    void underLocatesAWholeObjectProblemAtThePrefixItself() {
        ValidationException moved = new ValidationException("", "a host cannot be its own parent").under("hosts[1]");

        assertEquals("hosts[1]", moved.field());
        assertEquals("hosts[1]: a host cannot be its own parent", moved.getMessage());
    }

    @Test
    void underAnEmptyPrefixKeepsTheSameException() {
        ValidationException e = new ValidationException("name", "is required");

        assertSame(e, e.under(""));
    }

    @Test
    void underKeepsTheOriginalStackTraceSoTheFailingCheckCanBeFound() {
        ValidationException e = new ValidationException("name", "is required");

        assertArrayEquals(e.getStackTrace(), e.under("servers[0]").getStackTrace());
    }
}
