package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.ValidationException;
import org.junit.jupiter.api.Test;

class SpecErrorsTest {

    @Test
    void recordFieldsBecomeOptionNames() {
        assertEquals("--max-tasks: must be between 1 and 256, got 0",
                renamed("maxConcurrentTasks", "must be between 1 and 256, got 0").getMessage());
        assertEquals("--trusted-domain: 'a b' is not a valid key",
                renamed("trustedDomains[1]", "'a b' is not a valid key").getMessage());
        assertEquals("--fact cluster: is required", renamed("facts.cluster", "is required").getMessage());
        assertEquals("--os: 'x y' is not a valid distribution name",
                renamed("os.distribution", "'x y' is not a valid distribution name").getMessage());
    }

    @Test
    void unknownFieldsAndWholeObjectProblemsAreKept() {
        ValidationException other = new ValidationException("servers[0]", "x");
        assertSame(other, SpecErrors.renamed(other, SpecErrors.SERVER_OPTIONS));
        ValidationException whole = new ValidationException("", "RHEL 9 needs samba-client");
        assertSame(whole, SpecErrors.renamed(whole, SpecErrors.SERVER_OPTIONS));
    }

    @Test
    void serviceErrorsInsideAsOptionsAreRenamed() {
        ValidationException e = assertThrows(ValidationException.class, () -> SpecErrors.asOptions(SpecErrors.VM_OPTIONS,
                () -> {
                    throw new ValidationException("credentials.user", "'svc' is marked as a gMSA but is not a domain account");
                }));
        assertEquals("--credentials: 'svc' is marked as a gMSA but is not a domain account", e.getMessage());
    }

    @Test
    void updateNamesRenameForTheName() {
        assertEquals("--rename", SpecErrors.renamed(new ValidationException("name", "x"), SpecErrors.SERVER_UPDATE_OPTIONS)
                .field());
        assertEquals("NAME", SpecErrors.renamed(new ValidationException("name", "x"), SpecErrors.SERVER_OPTIONS).field());
    }

    private static ValidationException renamed(String field, String problem) {
        return SpecErrors.renamed(new ValidationException(field, problem), SpecErrors.SERVER_OPTIONS);
    }
}
