package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.bpf.BpfProgram;
import io.agentsh.core.kernel.landlock.LandlockRuleset;

/**
 * Everything the wrapper applies before it execs the command. Built once per session policy
 * and reused for every command of the session (the ruleset fd stays open in the daemon; the
 * wrapper gets a duplicate over SCM_RIGHTS).
 *
 * @param program          the seccomp filter (see SeccompFilterBuilder)
 * @param landlock         the Landlock ruleset, or null when Landlock is off or unavailable
 * @param setsid           start the command in a session (and process group) of its own
 * @param keepCapabilities capability bounding set to keep (bit n = capability n), or -1: no drop
 * @param pidNamespace     run the command as pid 1 of a PID namespace of its own, with its own
 *                         /proc ({@code sandbox.namespaces.pid})
 * @param backend          who serves the trapped syscalls: the listener, a ptrace tracer (the
 *                         program returns SECCOMP_RET_TRACE), or both (hybrid)
 */
public record ArmingPlan(BpfProgram program, LandlockRuleset landlock, boolean setsid, long keepCapabilities,
                         boolean pidNamespace, SupervisionBackend backend) {
    public ArmingPlan(BpfProgram program, LandlockRuleset landlock, boolean setsid) {
        this(program, landlock, setsid, -1L, false, SupervisionBackend.SECCOMP);
    }

    public ArmingPlan(BpfProgram program, LandlockRuleset landlock, boolean setsid, long keepCapabilities) {
        this(program, landlock, setsid, keepCapabilities, false, SupervisionBackend.SECCOMP);
    }

    public ArmingPlan(BpfProgram program, LandlockRuleset landlock, boolean setsid, long keepCapabilities, boolean pidNamespace) {
        this(program, landlock, setsid, keepCapabilities, pidNamespace, SupervisionBackend.SECCOMP);
    }

    public ArmingPlan withPidNamespace(boolean on) {
        return new ArmingPlan(program, landlock, setsid, keepCapabilities, on, backend);
    }

    /** The same plan without its own session (shim shells keep the caller's session and terminal). */
    public ArmingPlan withoutSetsid() {
        return new ArmingPlan(program, landlock, false, keepCapabilities, pidNamespace, backend);
    }

    int flags() {
        return (setsid ? WrapperProtocol.PLAN_SETSID : 0) | (landlock != null ? WrapperProtocol.PLAN_LANDLOCK : 0)
                | WrapperProtocol.PLAN_WAIT_KILLABLE | (keepCapabilities != -1L ? WrapperProtocol.PLAN_CAPS : 0)
                | (pidNamespace ? WrapperProtocol.PLAN_PIDNS : 0) | (backend.traces() ? WrapperProtocol.PLAN_PTRACE : 0)
                | (backend == SupervisionBackend.HYBRID ? WrapperProtocol.PLAN_HYBRID : 0);
    }
}
