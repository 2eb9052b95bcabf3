package io.agentsh.core.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Emptying and removing a command's cgroup directories: kill what is left, wait, rmdir. */
final class CgroupCleanup {
    static final long WAIT_MS = 2000;

    private CgroupCleanup() {}

    /** SIGKILLs every pid listed in {@code procs} until none is left (at most {@link #WAIT_MS}). */
    static boolean killAll(CgroupFs fs, Path procs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        for (int round = 0; ; round++) {
            List<Long> pids = fs.pids(procs);
            if (pids.isEmpty()) return true;
            for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            if (System.nanoTime() > deadline) return false;
            // A command that just ended is usually a zombie about to be reaped: look again soon.
            sleepMillis(round < 3 ? 1 : 10);
        }
    }

    /** rmdir, retried while the kernel still counts exiting tasks (EBUSY) for up to {@link #WAIT_MS}. */
    static boolean remove(CgroupFs fs, Path dir) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true) {
            try {
                if (!fs.exists(dir)) return true;
                fs.rmdir(dir);
                return true;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) return false;
                sleep();
            }
        }
    }

    private static void sleep() {
        sleepMillis(10);
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
