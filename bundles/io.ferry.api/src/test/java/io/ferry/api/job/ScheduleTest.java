package io.ferry.api.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.ValidationException;
import io.ferry.api.inventory.Platform;
import io.ferry.api.repository.RetentionPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void friendlyFormsAreNormalisedAndTranslatedToQuartzCron() {
        assertEquals("daily 07:05", Schedule.parse("  Daily   7:05 ").text());
        assertEquals("0 5 7 * * ?", Schedule.parse("daily 7:05").cron());
        assertEquals("weekly mon,fri 22:30", Schedule.parse("weekly MON,fri,mon 22:30").text());
        assertEquals("0 30 22 ? * MON,FRI", Schedule.parse("weekly mon,fri 22:30").cron());
        assertEquals("0 30 22 ? * MON-FRI", Schedule.parse("cron 0 30 22 ? * mon-fri").cron());
        assertTrue(Schedule.parse(null).manual());
        assertTrue(Schedule.parse("manual").manual());
        assertEquals("", Schedule.MANUAL.cron());
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(ValidationException.class, () -> Schedule.parse("daily 25:00")).getMessage()
                .contains("'25:00' is not a time"));
        assertTrue(assertThrows(ValidationException.class, () -> Schedule.parse("weekly funday 10:00")).getMessage()
                .contains("'funday' is not a day"));
        assertTrue(assertThrows(ValidationException.class, () -> Schedule.parse("cron 0 0 *")).getMessage()
                .contains("6 or 7 fields"));
        assertTrue(assertThrows(ValidationException.class, () -> Schedule.parse("hourly")).getMessage()
                .contains("'hourly' is not a schedule"));
    }

    @Test
    void jobsDefaultToManualAndSevenRestorePoints() {
        JobSpec job = JobSpec.of("nightly", Platform.PROXMOX, List.of("vm1"), "repo-01");
        assertTrue(job.schedule().manual());
        assertEquals(RetentionPolicy.keepLast(7), job.retention());
        JobSpec scheduled = job.withSchedule(Schedule.parse("daily 22:00")).withRetention(RetentionPolicy.keepLast(3));
        assertEquals("daily 22:00", scheduled.schedule().text());
        assertEquals(3, scheduled.retention().keepLast());
    }
}
