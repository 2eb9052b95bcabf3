package io.agentsh.proxy.transparent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network-namespace membership is per thread on Linux, and a socket belongs for its whole life
 * to the namespace of the thread that created it. This class uses both facts: a listener for a
 * session is created by a short-lived thread that first joins the session's namespace, and is
 * then served by the daemon's ordinary event loops (which stay in the daemon's namespace, so
 * the proxy dials out from there).
 */
public final class Netns {
    private Netns() {}

    /** The namespace file of the calling thread (usable later to come back). */
    public static Path currentThreadNamespace() {
        return Path.of("/proc/thread-self/ns/net");
    }

    /** Moves the calling thread into the network namespace named by {@code nsFile}. */
    public static void enterCurrentThread(Path nsFile) throws IOException {
        int fd = LinuxNative.open(nsFile.toString(), LinuxNative.O_RDONLY | LinuxNative.O_CLOEXEC);
        try {
            LinuxNative.setns(fd);
        } finally {
            LinuxNative.close(fd);
        }
    }

    /** Runs {@code task} on a fresh thread that lives in {@code nsFile}'s namespace; returns its result. */
    public static <T> T callIn(Path nsFile, Callable<T> task) throws IOException {
        Objects.requireNonNull(nsFile, "nsFile");
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                enterCurrentThread(nsFile);
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "agentsh-netns-call");
        t.setDaemon(true);
        t.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while working in " + nsFile, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IOException(c.getMessage(), c);
        }
    }

    /**
     * Threads that join {@code nsFile} before running anything: used to run a whole proxy (its
     * event loops and therefore its outbound dials) inside a namespace, e.g. a test's private one.
     */
    public static ThreadFactory threadFactory(Path nsFile, String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                try {
                    enterCurrentThread(nsFile);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot join network namespace " + nsFile + ": " + e.getMessage(), e);
                }
                r.run();
            }, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
