package io.agentsh.core.kernel.supervisor;

/**
 * Which mechanism serves a governed tree's trapped syscalls (chosen at start-up by
 * {@code io.agentsh.core.mode.SecurityModes}).
 */
public enum SupervisionBackend {
    /** seccomp user notification: a listener fd, {@link Supervisor}. */
    SECCOMP,
    /** ptrace only: SECCOMP_RET_TRACE prefilter, {@link PtraceSupervisor} (security.mode: ptrace). */
    PTRACE,
    /**
     * exec through ptrace, everything else through the listener ({@code sandbox.ptrace} with
     * only {@code trace.execve}): both supervisors serve the same tree.
     */
    HYBRID;

    boolean traces() {
        return this != SECCOMP;
    }

    boolean listens() {
        return this != PTRACE;
    }
}
