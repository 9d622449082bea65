package io.ferry.api.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ferry.api.ValidationException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditEntryTest {

    @Test
    void passwordLikeValuesAreNeverKept() {
        assertEquals("password=***", AuditEntry.mask("password=hunter2"));
        assertEquals("db.password: *** and user=ferry", AuditEntry.mask("db.password: \"a b\" and user=ferry"));
        assertEquals("--password-file *** --limit 3", AuditEntry.mask("--password-file /tmp/pw --limit 3"));
        assertEquals("api_key=***, next", AuditEntry.mask("api_key=abc$1\\x, next"));
        assertEquals("Token: ***", AuditEntry.mask("Token: s3cr3t"));
    }

    @Test
    void anEntryMasksItsTargetAndMessage() {
        AuditEntry e = AuditEntry.of(Instant.EPOCH, "ann", "server-add", "px-1 password=x", AuditResult.ERROR,
                "bad secret=y");
        assertEquals("px-1 password=***", e.target());
        assertEquals("bad secret=***", e.message());
    }

    @Test
    void longTextsAreCut() {
        AuditEntry e = AuditEntry.of(Instant.EPOCH, "ann", "import", "x".repeat(5000), AuditResult.OK, null);
        assertEquals(AuditEntry.MAX_TEXT, e.target().length());
        assertEquals("", e.message());
    }

    @Test
    void aQueryLimitOutsideTheRangeIsRefusedNamingTheLimit() {
        ValidationException e = assertThrows(ValidationException.class, () -> AuditQuery.latest(0));
        assertEquals("limit: must be between 1 and 10000, not 0", e.getMessage());
    }
}
