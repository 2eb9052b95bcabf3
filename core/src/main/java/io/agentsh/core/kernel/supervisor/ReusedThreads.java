package io.agentsh.core.kernel.supervisor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Platform threads for the per-command arming and supervisor loops, kept for reuse. Every
 * governed command needs two (its arming handshake, then its supervisor's poll loop, which pins
 * a carrier so it cannot be virtual); creating them cost 0.2-1 ms per command on the critical
 * path of a shim command on a small VM. An idle thread waits for its next task and ends after a
 * minute without one. Each task runs under its own name (the supervisor loop's name is how
 * {@link SlowPath} recognises the loop), restored when it ends.
 */
final class ReusedThreads {
    private static final String IDLE_NAME = "agentsh-kernel-idle";
    private static final ExecutorService POOL = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name(IDLE_NAME).factory());

    private ReusedThreads() {}

    /** Runs {@code task} on a reused platform thread named {@code name} while it runs. */
    static void start(String name, Runnable task) {
        POOL.execute(() -> {
            Thread t = Thread.currentThread();
            t.setName(name);
            try {
                task.run();
            } finally {
                t.setName(IDLE_NAME);
            }
        });
    }
}
