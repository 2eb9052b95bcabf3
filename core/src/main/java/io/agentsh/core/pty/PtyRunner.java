package io.agentsh.core.pty;

import io.agentsh.core.exec.LaunchPlan;
import io.agentsh.core.exec.ProcessGroups;
import io.agentsh.core.exec.ProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * Runs a {@link LaunchPlan} on a pty (the PTY counterpart of {@link ProcessRunner}): spawns it on
 * the slave, pumps the terminal's output to {@code out}, enforces the timeout (exit 124), and when
 * the command ends, or the client hangs up, ends its process group and closes the pty. Blocking:
 * call it from a virtual thread; the blocking native reads and waits run on two platform threads.
 */
public final class PtyRunner {
    private static final Logger LOG = Logger.getLogger(PtyRunner.class.getName());
    private static final int POLL_MS = 100;

    /** Terminal output, in order, from one thread. */
    public interface Output {
        void data(byte[] buf, int len);

        /** Nothing came for a poll interval (a redactor may release what it held back). */
        default void idle() {}
    }

    public record Result(long pid, int exitCode, boolean timedOut, String startError, long durationMs) {}

    private PtyRunner() {}

    public static Result run(LaunchPlan plan, PtyCommand cmd, Duration timeout, Output out, LongConsumer onStarted) {
        long start = System.nanoTime();
        Pty pty = cmd.pty();
        long pid;
        try {
            pid = PtySpawner.spawn(plan.argv(), plan.env(), plan.cwd(), pty.slavePath());
        } catch (IOException e) {
            pty.close();
            plan.listener().finished(-1, 127);
            return new Result(-1, 127, false, "start: " + e.getMessage(), elapsedMs(start));
        }
        plan.listener().started(pid);
        onStarted.accept(pid);
        cmd.started(pid);

        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("agentsh-pty-wait-" + pid).start(() -> {
            try {
                exit.complete(PtySpawner.waitFor(pid));
            } catch (IOException | RuntimeException e) {
                exit.completeExceptionally(e);
            }
        });
        Thread reader = Thread.ofPlatform().daemon().name("agentsh-pty-out-" + pid).start(() -> pump(pty, out));

        long deadline = start + timeout.toNanos();
        boolean timedOut = false;
        int code;
        try {
            try {
                code = exit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                timedOut = true;
                ProcessGroups.terminate(pid, ProcessRunner.KILL_GRACE);
                code = exit.get();
            }
            // The command is done; what is still buffered in the pty drains. A background job
            // holding the terminal is not waited for: the group ends below.
            reader.join(ProcessRunner.KILL_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessGroups.kill(pid);
            code = 137;
        } catch (ExecutionException e) {
            LOG.warning("waiting for pty command " + pid + ": " + e.getCause().getMessage());
            code = 1;
        }
        if (ProcessGroups.exists(pid)) ProcessGroups.terminate(pid, ProcessRunner.KILL_GRACE);
        pty.stop();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pty.close();
        int exitCode = timedOut ? 124 : code;
        plan.listener().finished(pid, exitCode);
        return new Result(pid, exitCode, timedOut, null, elapsedMs(start));
    }

    private static void pump(Pty pty, Output out) {
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = pty.read(buf, POLL_MS)) >= 0) {
                if (n > 0) out.data(buf, n);
                else out.idle();
            }
        } catch (IOException e) {
            LOG.fine("pty read: " + e.getMessage());
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
