package io.agentsh.core.kernel.supervisor;

import java.util.concurrent.CompletableFuture;

/**
 * The running enforcement of one governed command's process tree, whichever backend serves it
 * (seccomp user notification: {@link Supervisor}; ptrace: {@link PtraceSupervisor}).
 */
public interface TreeSupervisor extends AutoCloseable {
    /** Completes when the tree is gone (or the supervisor stopped). */
    CompletableFuture<Void> done();

    /** Trapped calls decided so far. */
    long handledCount();

    void stop();

    /** Stops and waits briefly for the serving thread. */
    @Override
    void close();
}
