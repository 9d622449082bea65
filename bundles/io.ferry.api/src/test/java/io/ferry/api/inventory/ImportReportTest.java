package io.ferry.api.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImportReportTest {

    @Test
    void theConstructorOf11CountsNoJobs() {
        assertEquals(new ImportReport(2, 1, 3, 4, 0, true), new ImportReport(2, 1, 3, 4, true));
        assertEquals(5, new ImportReport(2, 1, 3, 4, 5, false).jobs());
    }
}
