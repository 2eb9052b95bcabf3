package io.agentsh.core.fuse;

import io.agentsh.policy.FileOperation;
import io.agentsh.policy.Verdict;

/** Where the view reports what it refused (the daemon turns these into {@code file_*} blocked events). */
@FunctionalInterface
public interface FuseEventSink {
    FuseEventSink NONE = (s, p, op, v) -> { };

    void blocked(String sessionId, String realPath, FileOperation op, Verdict verdict);
}
