package io.ferry.plugin.proxmox.internal.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (qemu-img, nbdcopy, nbdinfo, debugfs, e2fsck) and captures its output. */
final class HostCommand {

    record Result(List<String> command, int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " failed with exit code " + exitCode + ": " + stderr
                        + out());
            }
            return this;
        }
    }

    private HostCommand() {
    }

    static Result run(Duration timeout, String... command) {
        List<String> cmd = List.of(command);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd + " (is it installed?)", e);
        }
        try {
            p.getOutputStream().close();
            // drained concurrently so that neither pipe can fill up and stall the tool
            CompletableFuture<byte[]> out = drain(p.getInputStream(), "stdout of " + command[0]);
            CompletableFuture<byte[]> err = drain(p.getErrorStream(), "stderr of " + command[0]);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(cmd + " did not end within " + timeout);
            }
            return new Result(cmd, p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("running " + cmd, e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in, String name) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                result.complete(in.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return result;
    }
}
