package io.ferry.api.inventory;

import static io.ferry.api.inventory.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Guest OS accounts; gMSA handling follows seed 001_7a67f23d89d19bc8.txt (guest interaction proxies). */
class GuestCredentialsTest {

    @ParameterizedTest
    @ValueSource(strings = {"CORP\\gmsa-backup$", "gmsa-backup$@corp.example"})
    void gmsaGivenAsDomainAccountIsAccepted(String user) {
        GuestCredentials credentials = new GuestCredentials(user, true);

        assertEquals(user, credentials.user());
        assertTrue(credentials.gmsa());
    }

    @Test
    void gmsaThatIsNotADomainAccountIsRefusedShowingTheExpectedForms() {
        ValidationException e = refused("credentials.user", () -> new GuestCredentials("gmsa-backup$", true));

        assertEquals("credentials.user: 'gmsa-backup$' is marked as a gMSA but is not a domain account"
                + " (DOMAIN\\name$ or name$@domain)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"root", "Administrator", "CORP\\svc-backup", "svc-backup@corp.example"})
    void ordinaryAccountMayBeLocalOrDomain(String user) {
        GuestCredentials credentials = new GuestCredentials(user, false);

        assertEquals(user, credentials.user());
        assertFalse(credentials.gmsa());
    }

    @Test
    void userIsStrippedOfSurroundingBlanks() {
        assertEquals("CORP\\svc-backup", new GuestCredentials("  CORP\\svc-backup ", false).user());
    }

    @Test
    void userIsRequired() {
        assertEquals("credentials.user: is required",
                refused("credentials.user", () -> new GuestCredentials(" ", false)).getMessage());
        refused("credentials.user", () -> new GuestCredentials(null, true));
    }
}
