package io.agentsh.core.fuse;

import io.agentsh.policy.Engine;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.Verdict;
import java.util.function.Supplier;

/**
 * How the view asks for a decision: the real (host) path and the operation. The daemon passes
 * {@link #of(Supplier)} with the session's current engine, so a policy reload takes effect at once.
 */
@FunctionalInterface
public interface FilePolicy {
    Verdict check(String realPath, FileOperation op);

    static FilePolicy of(Supplier<Engine> engine) { return (p, op) -> engine.get().checkFile(p, op); }
}
