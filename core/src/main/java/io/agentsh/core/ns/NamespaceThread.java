package io.agentsh.core.ns;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs mount work inside a mount namespace on a fresh platform thread that ends afterwards.
 * Mount namespaces belong to threads' fs structs: a thread that unshares CLONE_FS can enter
 * another namespace (setns requires an unshared fs) or make a new one without affecting the
 * daemon's other threads, and once it ends its namespace membership ends with it. So the
 * daemon itself never leaves its own namespace.
 */
final class NamespaceThread {
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    private NamespaceThread() {}

    /**
     * The daemon's own mount namespace, root and working directory, captured by the first thread
     * that uses this class (a daemon thread), so a worker can go back before it ends.
     */
    private static final class Home {
        static final int NS = open("/proc/thread-self/ns/mnt", false), ROOT = open("/", true), CWD = open(".", true);

        private static int open(String p, boolean dir) {
            try {
                return dir ? MountCalls.openPath(p) : MountCalls.openReadOnly(p);
            } catch (IOException e) {
                return -1;
            }
        }

        /** Back to the daemon's namespace, root and directory (the thread's fs struct is its own). */
        static void restore() throws IOException {
            if (NS < 0 || ROOT < 0 || CWD < 0) throw new IOException("the daemon's namespace was not captured");
            MountCalls.setns(NS, MountCalls.CLONE_NEWNS);
            MountCalls.fchdir(ROOT);
            MountCalls.chroot(".");
            MountCalls.fchdir(CWD);
        }
    }

    /**
     * Enters the mount namespace {@code nsFd} and runs {@code work} there, then returns the worker
     * to the daemon's namespace before it ends (anything it wakes or starts from then on, the JVM
     * included, starts where the daemon is).
     */
    static <T> T inside(int nsFd, Work<T> work) throws IOException {
        int home = Home.NS; // captured here, on the caller's thread, if this is the first use
        if (home < 0) throw new IOException("cannot open the daemon's own mount namespace");
        return run("agentsh-mntns", () -> {
            MountCalls.unshare(MountCalls.CLONE_FS);
            MountCalls.setns(nsFd, MountCalls.CLONE_NEWNS);
            try {
                return work.run();
            } finally {
                Home.restore();
            }
        });
    }

    /**
     * Runs {@code work} on a fresh platform thread and returns its result. That thread may leave
     * the daemon's namespace, and a thread created by a thread inherits its namespaces and file
     * system root: if it woke the caller directly (a virtual thread's unpark may start a new
     * carrier thread on the waking thread), the scheduler could gain a carrier that lives inside
     * the session's namespace. So a second platform thread, which never leaves the daemon's
     * namespace, waits for the worker to end ({@code join}: a futex wake, no scheduler) and only
     * then completes what the caller waits on. The worker touches nothing shared but its box.
     */
    /** Makes a new mount namespace on a worker, runs {@code work} in it, and returns the worker home. */
    static <T> T fresh(Work<T> work) throws IOException {
        return fresh(-1, work);
    }

    /** As {@link #fresh(Work)}, on a thread pinned to {@code cpu} (-1: anywhere) before it unshares (see MountNamespaces#create). */
    static <T> T fresh(int cpu, Work<T> work) throws IOException {
        if (Home.NS < 0) throw new IOException("cannot open the daemon's own mount namespace");
        return run("agentsh-mntns-new", () -> {
            if (cpu >= 0) CpuAffinity.pinCurrentThread(cpu);
            MountCalls.unshare(MountCalls.CLONE_NEWNS);
            try {
                return work.run();
            } finally {
                Home.restore();
            }
        });
    }

    static <T> T run(String name, Work<T> work) throws IOException {
        Object[] box = new Object[2];
        Thread worker = Thread.ofPlatform().daemon().name(name).unstarted(() -> {
            try {
                box[0] = work.run();
            } catch (Throwable e) {
                box[1] = e;
            }
        });
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(name + "-wait").start(() -> {
            try {
                worker.start();
                worker.join();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while working in a mount namespace", e);
        } catch (ExecutionException e) {
            throw new IOException("mount namespace work failed: " + e.getCause(), e.getCause());
        }
        if (box[1] instanceof IOException io) throw io;
        if (box[1] instanceof RuntimeException re) throw re;
        if (box[1] != null) throw new IOException("mount namespace work failed: " + box[1], (Throwable) box[1]);
        @SuppressWarnings("unchecked")
        T result = (T) box[0];
        return result;
    }
}
