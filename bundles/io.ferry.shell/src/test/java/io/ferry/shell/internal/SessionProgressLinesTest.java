package io.ferry.shell.internal;

import static io.ferry.shell.internal.FakeSessions.failed;
import static io.ferry.shell.internal.FakeSessions.progress;
import static io.ferry.shell.internal.FakeSessions.queued;
import static io.ferry.shell.internal.FakeSessions.running;
import static io.ferry.shell.internal.FakeSessions.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.api.session.GuestRecord;
import io.ferry.api.session.Session;
import io.ferry.api.session.SessionStatus;
import io.ferry.api.session.TaskRecord;
import io.ferry.api.session.TaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionProgressLinesTest {

    private final TaskRecord web = queued("pve-web-01", "scsi0", "gp-hq-01", "proxmox-nbd");
    private final TaskRecord db = queued("pve-db-01", "scsi0", "gp-hq-01", "proxmox-nbd");

    @Test
    void aQueuedTaskWaitsForASlotAndTheBlockFitsANarrowTerminal() {
        TaskRecord webRunning = running(web);
        Session s = session("01J", "demo", SessionStatus.RUNNING, List.of(webRunning, db), List.of(), "");
        List<String> lines = SessionProgressLines.block(s, List.of(progress(webRunning, 48)), 60);
        assertEquals(List.of(
                "pve-web-01/scsi0  gp-hq-01  proxmox-nbd  running   [########",
                "pve-db-01/scsi0   gp-hq-01  proxmox-nbd  queued",
                "overall  0 of 2 disks done  [#######.............]   37%  48"), lines);
        assertTrue(lines.stream().allMatch(l -> l.length() <= 60), lines.toString());
        assertEquals("pve-db-01/scsi0: queued for a task slot on gp-hq-01", SessionProgressLines.task(db));
    }

    @Test
    void onlyWhatChangedIsReportedAndQueuedTasksAreNotAnnouncedAtTheStart() {
        Session start = session("01J", "demo", SessionStatus.RUNNING, List.of(web, db), List.of(), "");
        assertEquals(List.of(), SessionProgressLines.changes(null, start));
        Session later = session("01J", "demo", SessionStatus.RUNNING, List.of(running(web), db), List.of(), "");
        assertEquals(List.of("pve-web-01/scsi0: running on gp-hq-01 (proxmox-nbd)"),
                SessionProgressLines.changes(start, later));
        assertEquals(List.of(), SessionProgressLines.changes(later, later));
        Session failedOne = session("01J", "demo", SessionStatus.RUNNING, List.of(failed(web, "agent timeout"), db),
                List.of(), "");
        assertEquals(List.of("pve-web-01/scsi0: failed: agent timeout"), SessionProgressLines.changes(later,
                failedOne));
    }

    @Test
    void guestProcessingThatCouldNotRunHereSaysWhatItWouldHaveDoneOnce() {
        GuestRecord recorded = new GuestRecord("vmw-app-01", "gi-win-01", TaskStatus.NOT_EXECUTED, false, "VIX",
                "would quiesce applications with VSS through VIX on guest interaction proxy gi-win-01; not executed:"
                        + " VMWARE guest processing cannot run on this machine", Duration.ZERO);
        assertEquals("vmw-app-01: guest processing not-executed on gi-win-01 (VIX): would quiesce applications with"
                + " VSS through VIX on guest interaction proxy gi-win-01; not executed: VMWARE guest processing"
                + " cannot run on this machine", SessionProgressLines.guest(recorded));
        GuestRecord bare = new GuestRecord("vmw-app-01", "gi-win-01", TaskStatus.NOT_EXECUTED, false, "VIX",
                "would quiesce the guest", Duration.ZERO);
        assertTrue(SessionText.guestDetail(bare).equals("not executed: would quiesce the guest"),
                SessionText.guestDetail(bare));
    }
}
