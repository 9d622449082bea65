package io.ferry.jobs.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which session is processing which VM. A VM is processed by one session at a time, even
 * when several jobs cover it: two point-in-time views of one running VM at once would fight
 * over its guest freeze and its dirty bitmaps.
 */
final class VmLocks {

    private final Map<String, String> holders = new HashMap<>();

    /** Takes the VM for {@code session}; returns the session holding it when it is taken already. */
    synchronized Optional<String> tryAcquire(String vm, String session) {
        String holder = holders.putIfAbsent(vm.toLowerCase(Locale.ROOT), session);
        return holder == null || holder.equals(session) ? Optional.empty() : Optional.of(holder);
    }

    /** Gives the VM back, if {@code session} holds it. */
    synchronized void release(String vm, String session) {
        holders.remove(vm.toLowerCase(Locale.ROOT), session);
    }
}
