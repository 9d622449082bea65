package io.ferry.mover.internal.nativeio;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * Native memory aligned to {@link #ALIGNMENT} bytes, as {@code O_DIRECT} needs, freed by
 * {@link #close()} (not by the garbage collector), so the memory a source holds is known.
 */
public final class AlignedBuffer implements AutoCloseable {

    /** Alignment of addresses, offsets and lengths for {@code O_DIRECT} (covers 512 and 4096 byte sectors). */
    public static final int ALIGNMENT = 4096;

    private final Memory memory;
    private final Pointer pointer;
    private final int capacity;
    private final long skew;

    public AlignedBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.memory = new Memory((long) capacity + ALIGNMENT);
        long base = Pointer.nativeValue(memory);
        this.skew = (ALIGNMENT - base % ALIGNMENT) % ALIGNMENT;
        this.pointer = memory.share(skew, capacity);
        this.capacity = capacity;
    }

    public Pointer pointer() {
        return pointer;
    }

    public int capacity() {
        return capacity;
    }

    /** A fresh view of the whole buffer (position 0, limit capacity). */
    public ByteBuffer view() {
        return memory.getByteBuffer(skew, capacity);
    }

    /** The native address of {@code buffer}'s position (the buffer must be direct). */
    public static Pointer positionPointer(ByteBuffer buffer) {
        return Native.getDirectBufferPointer(buffer).share(buffer.position());
    }

    /** True when {@code buffer} is direct and its position lies on an {@link #ALIGNMENT} boundary. */
    public static boolean isAligned(ByteBuffer buffer) {
        return buffer.isDirect() && Pointer.nativeValue(positionPointer(buffer)) % ALIGNMENT == 0;
    }

    @Override
    public void close() {
        memory.close();
    }
}
