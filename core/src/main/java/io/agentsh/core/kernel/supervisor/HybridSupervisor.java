package io.agentsh.core.kernel.supervisor;

import java.util.concurrent.CompletableFuture;

/** The hybrid backend's pair: the listener's supervisor (files, signals, sockets) and the tracer (exec). */
final class HybridSupervisor implements TreeSupervisor {
    private final TreeSupervisor listener;
    private final TreeSupervisor tracer;
    private final CompletableFuture<Void> done;

    HybridSupervisor(TreeSupervisor listener, TreeSupervisor tracer) {
        this.listener = listener;
        this.tracer = tracer;
        this.done = CompletableFuture.allOf(listener.done(), tracer.done());
    }

    @Override public CompletableFuture<Void> done() { return done; }
    @Override public long handledCount() { return listener.handledCount() + tracer.handledCount(); }

    @Override
    public void stop() {
        tracer.stop();
        listener.stop();
    }

    @Override
    public void close() {
        tracer.close();
        listener.close();
    }
}
