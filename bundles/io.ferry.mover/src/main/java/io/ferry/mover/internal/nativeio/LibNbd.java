package io.ferry.mover.internal.nativeio;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The libnbd calls of the NBD sources and targets, mapped with JNA (loaded lazily by
 * {@link NativeLibraries}: {@code Native.load("nbd")} finds {@code libnbd.so.0} without the
 * -dev package). Written against libnbd 1.14 (Debian 12): 32-bit block-status lengths,
 * no {@code *_64} calls. Handles are {@code struct nbd_handle *} = {@link Pointer}; use them
 * through {@link NbdHandle}. Only the asynchronous request calls are mapped: a synchronous
 * {@code nbd_pread} and friends wait without limit for a server that stops answering.
 */
public interface LibNbd extends Library {

    int LIBNBD_TLS_DISABLE = 0;
    int LIBNBD_TLS_ALLOW = 1;
    int LIBNBD_TLS_REQUIRE = 2;

    int LIBNBD_SIZE_MINIMUM = 0;
    int LIBNBD_SIZE_PREFERRED = 1;
    int LIBNBD_SIZE_MAXIMUM = 2;

    int LIBNBD_CMD_FLAG_FUA = 0x01;
    int LIBNBD_CMD_FLAG_NO_HOLE = 0x02;
    int LIBNBD_CMD_FLAG_REQ_ONE = 0x08;

    int LIBNBD_SHUTDOWN_ABANDON_PENDING = 0x10000;

    /** base:allocation flags. */
    int LIBNBD_STATE_HOLE = 1;
    int LIBNBD_STATE_ZERO = 2;
    /** qemu:dirty-bitmap:NAME flag. */
    int LIBNBD_STATE_DIRTY = 1;

    String CONTEXT_BASE_ALLOCATION = "base:allocation";
    String CONTEXT_DIRTY_BITMAP_PREFIX = "qemu:dirty-bitmap:";

    /**
     * {@code int (*)(void *user_data, const char *metacontext, uint64_t offset,
     * uint32_t *entries, size_t nr_entries, int *error)}; entries are (length, flags) pairs.
     */
    interface ExtentFn extends Callback {
        int invoke(Pointer userData, String metacontext, long offset, Pointer entries, long nrEntries, Pointer error);
    }

    /** {@code void (*)(void *user_data)}. */
    interface FreeFn extends Callback {
        void invoke(Pointer userData);
    }

    /** {@code nbd_extent_callback}: passed BY VALUE to {@link #nbd_aio_block_status}. */
    @Structure.FieldOrder({"callback", "user_data", "free"})
    class ExtentCallback extends Structure implements Structure.ByValue {
        public ExtentFn callback;
        public Pointer user_data;
        public FreeFn free;
    }

    /** {@code int (*)(void *user_data, int *error)}. */
    interface CompletionFn extends Callback {
        int invoke(Pointer userData, Pointer error);
    }

    /**
     * {@code nbd_completion_callback}, passed BY VALUE to the {@code nbd_aio_*} calls. All
     * fields null is {@code LIBNBD_NULL_COMPLETION}: the command is then retired with
     * {@link #nbd_aio_command_completed}.
     */
    @Structure.FieldOrder({"callback", "user_data", "free"})
    class CompletionCallback extends Structure implements Structure.ByValue {
        public CompletionFn callback;
        public Pointer user_data;
        public FreeFn free;
    }

    Pointer nbd_create();

    void nbd_close(Pointer h);

    /** Thread-local message of the last failed call on this thread (null when none). */
    String nbd_get_error();

    int nbd_get_errno();

    int nbd_supports_tls(Pointer h);

    int nbd_supports_uri(Pointer h);

    int nbd_set_tls(Pointer h, int tls);

    int nbd_set_tls_certificates(Pointer h, String dir);

    /** {@code bool} argument: 0 or 1. */
    int nbd_set_tls_verify_peer(Pointer h, int verify);

    int nbd_add_meta_context(Pointer h, String name);

    /** Starts connecting (and the handshake) without waiting; progress with {@link #nbd_poll}. */
    int nbd_aio_connect_uri(Pointer h, String uri);

    /** Runs the handle's state machine for at most {@code timeout} ms: 1 = progress, 0 = timed out, -1 = error. */
    int nbd_poll(Pointer h, int timeout);

    /** 1 while connecting or in the handshake. */
    int nbd_aio_is_connecting(Pointer h);

    /** 1 when connected and idle (ready for commands). */
    int nbd_aio_is_ready(Pointer h);

    int nbd_can_meta_context(Pointer h, String name);

    long nbd_get_size(Pointer h);

    long nbd_get_block_size(Pointer h, int sizeType);

    int nbd_is_read_only(Pointer h);

    int nbd_can_zero(Pointer h);

    int nbd_can_trim(Pointer h);

    int nbd_can_flush(Pointer h);

    int nbd_can_multi_conn(Pointer h);

    // --- asynchronous commands: each returns a cookie (> 0) or -1; the buffer must stay valid
    // --- until the command is retired or the handle is closed

    long nbd_aio_pread(Pointer h, Pointer buf, long count, long offset, CompletionCallback completion, int flags);

    long nbd_aio_pwrite(Pointer h, Pointer buf, long count, long offset, CompletionCallback completion, int flags);

    long nbd_aio_zero(Pointer h, long count, long offset, CompletionCallback completion, int flags);

    long nbd_aio_flush(Pointer h, CompletionCallback completion, int flags);

    long nbd_aio_block_status(Pointer h, long count, long offset, ExtentCallback extent, CompletionCallback completion,
            int flags);

    /** 1 = done and retired, 0 = still in flight, -1 = failed (retired; the error is set) or unknown cookie. */
    int nbd_aio_command_completed(Pointer h, long cookie);

    /** Queues NBD_CMD_DISC without waiting (the synchronous {@code nbd_shutdown} waits for the server). */
    int nbd_aio_disconnect(Pointer h, int flags);

    int nbd_aio_is_closed(Pointer h);

    int nbd_aio_is_dead(Pointer h);
}
