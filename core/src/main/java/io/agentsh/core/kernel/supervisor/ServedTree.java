package io.agentsh.core.kernel.supervisor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** What both backends keep about the tree they serve: its end, and how many calls were decided. */
abstract class ServedTree implements TreeSupervisor {
    protected final CompletableFuture<Void> done = new CompletableFuture<>();
    protected final AtomicLong handled = new AtomicLong();

    @Override
    public final CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public final long handledCount() {
        return handled.get();
    }

    /**
     * Waits up to 2 s for the serving thread to finish after {@link #stop}: close does not wait
     * longer for a tree that is still draining (a stopped tree cannot run on).
     */
    protected final void awaitServed() {
        try {
            done.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // still draining: see above
        }
    }
}
