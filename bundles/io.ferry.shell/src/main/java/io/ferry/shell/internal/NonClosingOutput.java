package io.ferry.shell.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * An output stream handed to a service writer that may close it: closing only flushes,
 * so the console (or a file channel still to be forced) stays open. It remembers the last
 * byte so that console output can end with exactly one line break.
 */
final class NonClosingOutput extends FilterOutputStream {
    private int last = '\n';

    NonClosingOutput(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        last = b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (len > 0) {
            last = b[off + len - 1];
        }
    }

    /** Flushes only. */
    @Override
    public void close() throws IOException {
        out.flush();
    }

    /** Ends the output with a line break unless it already ends with one, and flushes. */
    void finish() {
        try {
            if (last != '\n') {
                write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
