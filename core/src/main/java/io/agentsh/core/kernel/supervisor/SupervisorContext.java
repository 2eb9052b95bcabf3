package io.agentsh.core.kernel.supervisor;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the handlers of one supervisor share: the session's policy and event sink, the tracee
 * tree's root fd, options, and a way to finish a call off the serving thread.
 *
 * @param responders a responder usable from another thread (its own buffers; under ptrace one
 *                   that hands the answer back to the tracer thread)
 */
record SupervisorContext(String sessionId, KernelPolicy policy, EnforcementEvents events, int rootFd,
                         SupervisorOptions options, Supplier<CallResponder> responders, Executor slowPath) {

    boolean logAllowed() {
        return options.logAllowed();
    }

    boolean strictExecRace() {
        return options.strictExecRace();
    }

    /** A responder with its own buffers, for answering from another thread. */
    CallResponder freshResponder() {
        return responders.get();
    }

    void async(Runnable r) {
        slowPath.execute(r);
    }
}
