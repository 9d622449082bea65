package io.ferry.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NonClosingOutputTest {

    @Test
    void closeOnlyFlushesAndFinishAddsOneLineBreak() throws IOException {
        CloseTrackingStream target = new CloseTrackingStream();
        NonClosingOutput out = new NonClosingOutput(target);
        out.write("[]".getBytes(StandardCharsets.UTF_8));
        out.close();
        out.finish();
        assertEquals("[]\n", target.toString(StandardCharsets.UTF_8));
        assertEquals(false, target.closed);
    }

    @Test
    void finishAddsNoSecondLineBreak() throws IOException {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        NonClosingOutput out = new NonClosingOutput(target);
        out.write("[]\n".getBytes(StandardCharsets.UTF_8));
        out.finish();
        assertEquals("[]\n", target.toString(StandardCharsets.UTF_8));
    }

    @Test
    void emptyOutputGetsNoLineBreak() {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        new NonClosingOutput(target).finish();
        assertEquals("", target.toString(StandardCharsets.UTF_8));
    }

    private static final class CloseTrackingStream extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
