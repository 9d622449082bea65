package io.ferry.api.spi;

import io.ferry.api.session.ChangedBlockLedger;
import io.ferry.api.session.GuestRecord;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The point-in-time views of a VM's disks, open until {@link #commit} or {@link #abort}.
 * The guest was frozen (when requested and possible) only while the views were created.
 */
@ConsumerType
public interface PointInTime extends AutoCloseable {

    /** What the guest processing stage did (froze with the agent, could not, not requested). */
    GuestRecord guest();

    /** One view per disk, in the VM's disk order. */
    List<DiskView> disks();

    /**
     * The disks listed were backed up completely (label to repository backup id): their
     * change tracking moves on to record from this point in time. Returns the ledger
     * entries to store (trusted for committed disks, untrusted for the others). Releases
     * the views.
     */
    List<ChangedBlockLedger> commit(Map<String, String> backupIds);

    /**
     * The backup failed or was cancelled: releases the views and keeps every change since
     * the last good backup trackable (or, when that is impossible, returns untrusted ledger
     * entries so that the next backup reads everything). Never throws.
     */
    List<ChangedBlockLedger> abort(String reason);

    /** Same as {@code abort("closed")} unless committed or aborted. */
    @Override
    void close();
}
