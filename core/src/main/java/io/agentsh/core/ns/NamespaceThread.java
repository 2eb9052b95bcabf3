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

    /** Enters the mount namespace {@code nsFd} and runs {@code work} there. */
    static <T> T inside(int nsFd, Work<T> work) throws IOException {
        return run("agentsh-mntns", () -> {
            MountCalls.unshare(MountCalls.CLONE_FS);
            MountCalls.setns(nsFd, MountCalls.CLONE_NEWNS);
            return work.run();
        });
    }

    static <T> T run(String name, Work<T> work) throws IOException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                result.complete(work.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            T v = result.get();
            t.join();
            return v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while working in a mount namespace", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("mount namespace work failed: " + e.getCause(), e.getCause());
        }
    }
}
