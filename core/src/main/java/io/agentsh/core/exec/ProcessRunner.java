package io.agentsh.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Starts a {@link LaunchPlan}, feeds stdin, captures stdout/stderr with caps, enforces the
 * timeout (SIGTERM to the group, SIGKILL after a grace period, exit 124) and makes sure nothing of
 * the group outlives the command's pipes. Blocking: call it from a virtual thread, never from an
 * event loop.
 */
public final class ProcessRunner {
    public static final int DEFAULT_CAPTURE_CAP = 1 << 20;
    public static final Duration KILL_GRACE = Duration.ofSeconds(2);

    /** Receives output chunks as they arrive (SSE streaming). */
    public interface OutputListener {
        OutputListener NONE = (stream, data, len) -> {};

        void chunk(String stream, byte[] data, int len);
    }

    private final int captureCap;

    public ProcessRunner(int captureCap) {
        this.captureCap = captureCap;
    }

    public RunResult run(LaunchPlan plan, String stdin, Duration timeout, OutputListener listener,
                         LongConsumer onStarted) {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(plan.argv());
        pb.environment().clear();
        pb.environment().putAll(plan.env());
        if (plan.cwd() != null) pb.directory(plan.cwd().toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            plan.listener().finished(-1, 127);
            return new RunResult(-1, 127, new byte[0], new byte[0], 0, 0, false, false, false,
                    "start: " + e.getMessage(), elapsedMs(start));
        }
        long pid = p.pid();
        plan.listener().started(pid);
        onStarted.accept(pid);

        CappedCapture out = new CappedCapture(captureCap);
        CappedCapture err = new CappedCapture(captureCap);
        Thread outReader = Thread.ofVirtual().name("agentsh-exec-stdout-" + pid)
                .start(() -> pump(p.getInputStream(), out, "stdout", listener));
        Thread errReader = Thread.ofVirtual().name("agentsh-exec-stderr-" + pid)
                .start(() -> pump(p.getErrorStream(), err, "stderr", listener));
        Thread.ofVirtual().name("agentsh-exec-stdin-" + pid).start(() -> feed(p.getOutputStream(), stdin));

        long deadline = start + timeout.toNanos();
        boolean timedOut = false;
        try {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                ProcessGroups.terminate(pid, KILL_GRACE);
                p.waitFor();
            } else {
                // The command is done; background children may still hold its pipes. Wait for EOF
                // within the command's time budget, then end the group (the reference's Wait blocks
                // until the pipes close).
                if (!joinUntil(outReader, deadline) || !joinUntil(errReader, deadline)) {
                    timedOut = true;
                }
                if (ProcessGroups.exists(pid)) ProcessGroups.terminate(pid, KILL_GRACE);
            }
            outReader.join(KILL_GRACE.toMillis());
            errReader.join(KILL_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessGroups.kill(pid);
            p.destroyForcibly();
        }
        int exit = timedOut ? 124 : p.exitValue();
        plan.listener().finished(pid, exit);
        byte[] errBytes = err.bytes();
        if (timedOut) {
            byte[] msg = "command timed out\n".getBytes(StandardCharsets.UTF_8);
            byte[] joined = new byte[errBytes.length + msg.length];
            System.arraycopy(errBytes, 0, joined, 0, errBytes.length);
            System.arraycopy(msg, 0, joined, errBytes.length, msg.length);
            errBytes = joined;
        }
        return new RunResult(pid, exit, out.bytes(), errBytes, out.total(), err.total(),
                timedOut || out.truncated(), timedOut || err.truncated(), timedOut, null, elapsedMs(start));
    }

    private static boolean joinUntil(Thread t, long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) return !t.isAlive();
        return t.join(Duration.ofNanos(left));
    }

    private static void pump(InputStream in, CappedCapture sink, String stream, OutputListener listener) {
        byte[] buf = new byte[16384];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sink.write(buf, 0, n);
                listener.chunk(stream, buf, n);
            }
        } catch (IOException ignored) {
            // the pipe closes when the process group is killed
        }
    }

    private static void feed(OutputStream os, String stdin) {
        try (os) {
            if (stdin != null && !stdin.isEmpty()) os.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the child closed stdin early: nothing to feed
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
