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
 * through {@link NbdHandle}.
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

    /** {@code nbd_extent_callback}: passed BY VALUE to {@link #nbd_block_status}. */
    @Structure.FieldOrder({"callback", "user_data", "free"})
    class ExtentCallback extends Structure implements Structure.ByValue {
        public ExtentFn callback;
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

    int nbd_connect_uri(Pointer h, String uri);

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

    int nbd_pread(Pointer h, Pointer buf, long count, long offset, int flags);

    int nbd_pwrite(Pointer h, Pointer buf, long count, long offset, int flags);

    int nbd_zero(Pointer h, long count, long offset, int flags);

    int nbd_trim(Pointer h, long count, long offset, int flags);

    int nbd_flush(Pointer h, int flags);

    int nbd_block_status(Pointer h, long count, long offset, ExtentCallback callback, int flags);

    int nbd_shutdown(Pointer h, int flags);
}
