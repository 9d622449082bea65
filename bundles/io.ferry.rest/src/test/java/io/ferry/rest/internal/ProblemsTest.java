package io.ferry.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ConflictException;
import io.ferry.api.FerryException;
import io.ferry.api.NotFoundException;
import io.ferry.api.ReferencedException;
import io.ferry.api.ValidationException;
import io.ferry.api.security.AccessDeniedException;
import io.ferry.api.security.FerryRole;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProblemsTest {

    @Test
    void aValidationErrorIs422NamingTheField() {
        Problem p = Problems.of(new ValidationException("servers[3].address", "is not an IP address"));
        assertEquals(422, p.status());
        assertEquals("servers[3].address", p.field());
        assertEquals("urn:ferry:problem:validation", p.type());
        assertEquals("servers[3].address: is not an IP address", p.detail());
    }

    @Test
    void eachFerryErrorHasItsStatus() {
        assertEquals(403, Problems.of(new AccessDeniedException("vera", "job-run", FerryRole.OPERATOR,
                Optional.of(FerryRole.VIEWER))).status());
        assertEquals(404, Problems.of(new NotFoundException("No job named 'x'")).status());
        assertEquals(409, Problems.of(new ConflictException("Job 'x' is already running")).status());
        assertEquals(409, Problems.of(new ReferencedException("Server 'px'", List.of("job 'j'"))).status());
        assertEquals(422, Problems.of(new FerryException("The job runner is stopping")).status());
        assertEquals(400, Problems.of(new BadRequestException("limit", "too big")).status());
    }

    @Test
    void aProblemWithoutAFieldLeavesItOut() {
        assertNull(Problems.of(new ValidationException("", "the job has no VMs")).field());
    }

    @Test
    void anUnexpectedErrorIs500WithoutItsMessageOrStackTrace() {
        Problem p = Problems.of(new IllegalStateException("secret internals at com.example.Foo"));
        assertEquals(500, p.status());
        assertFalse(p.detail().contains("secret internals"), p.detail());
        assertTrue(p.detail().contains("reference"), p.detail());
    }
}
