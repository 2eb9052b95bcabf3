package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.seccomp.SeccompListener;
import java.util.concurrent.Executor;

/**
 * What the handlers of one supervisor share: the session's policy and event sink, the tracee
 * tree's root fd, options, and a way to finish a notification off the loop thread.
 */
record SupervisorContext(String sessionId, KernelPolicy policy, EnforcementEvents events, int rootFd,
                         SupervisorOptions options, SeccompListener listener, Executor slowPath) {

    boolean logAllowed() {
        return options.logAllowed();
    }

    boolean strictExecRace() {
        return options.strictExecRace();
    }

    /** A listener handle with its own buffers, for answering from another thread. */
    SeccompListener freshResponder() {
        return listener.sibling();
    }

    void async(Runnable r) {
        slowPath.execute(r);
    }
}
