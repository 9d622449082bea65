package io.ferry.plugin.proxmox.internal.qemu;

/**
 * Clean-up that must run even on an interrupted thread: a job stopped with
 * {@code shutdownNow} interrupts its task threads, and with the interrupt status set every
 * QMP call fails at once (and a write to an interruptible channel closes it).
 */
final class Interrupts {

    private Interrupts() {
    }

    /** Runs {@code work} with the interrupt status cleared, then restores it (set if it was, or became, set). */
    static void ignoring(Runnable work) {
        boolean interrupted = Thread.interrupted();
        try {
            work.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
