package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.bpf.SeccompAction;
import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.landlock.LandlockAbi;
import io.agentsh.core.kernel.landlock.LandlockConfig;
import io.agentsh.core.kernel.landlock.LandlockRuleset;
import io.agentsh.core.kernel.landlock.LandlockRulesetBuilder;
import io.agentsh.core.kernel.landlock.PolicyLandlockPaths;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import io.agentsh.policy.Policy;
import io.agentsh.policy.ServerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a session's {@link ArmingPlan} from the server config and the session policy: the
 * seccomp filter (block list from {@code sandbox.seccomp.syscalls.block}, default
 * {@link SyscallSets#DEFAULT_BLOCKED}) and, when {@code landlock.enabled} and the kernel has
 * Landlock, the ruleset from {@code landlock.*} plus the policy's allow rules. Build once per
 * session (or policy reload) and close the plan's ruleset with the session.
 */
public final class KernelPlans {
    private KernelPlans() {}

    public static ArmingPlan forSession(ServerConfig cfg, Policy policy, Map<String, String> variables,
                                        KernelPolicy kernelPolicy, String workspace) throws IOException {
        return forSession(cfg, policy, variables, kernelPolicy, workspace, SupervisionBackend.SECCOMP);
    }

    /** As above, for the given backend: under ptrace the trapped syscalls return SECCOMP_RET_TRACE (hybrid: exec only). */
    public static ArmingPlan forSession(ServerConfig cfg, Policy policy, Map<String, String> variables,
                                        KernelPolicy kernelPolicy, String workspace, SupervisionBackend backend)
            throws IOException {
        List<String> block = cfg.strings("sandbox.seccomp.syscalls.block");
        var filter = SyscallSets.sessionFilter(block.isEmpty() ? SyscallSets.DEFAULT_BLOCKED : block,
                kernelPolicy.readsCanBeDenied(), kernelPolicy.governsUnixSockets());
        LandlockRuleset ruleset = null;
        if (cfg.bool("landlock.enabled") && LandlockAbi.probe() > 0) {
            ruleset = LandlockRulesetBuilder.build(landlockConfig(cfg, PolicyLandlockPaths.derive(policy, variables), workspace));
        }
        long keep = cfg.isSet("capabilities.allow") ? Capabilities.keepMask(cfg.strings("capabilities.allow")) : -1L;
        var program = switch (backend) {
            case SECCOMP -> SeccompFilterBuilder.build(filter);
            case PTRACE -> SeccompFilterBuilder.build(filter, SeccompAction.TRACE, java.util.Set.of());
            case HYBRID -> SeccompFilterBuilder.build(filter, SeccompAction.USER_NOTIF, SyscallSets.EXEC);
        };
        return new ArmingPlan(program, ruleset, true, keep, false, backend);
    }

    static LandlockConfig landlockConfig(ServerConfig cfg, PolicyLandlockPaths fromPolicy, String workspace) {
        List<String> read = new ArrayList<>(LandlockConfig.SYSTEM_READ);
        read.addAll(cfg.strings("landlock.allow_read"));
        read.addAll(fromPolicy.read());
        List<String> write = new ArrayList<>(List.of("/tmp", "/var/tmp"));
        if (workspace != null) write.add(workspace);
        write.addAll(cfg.strings("landlock.allow_write"));
        write.addAll(fromPolicy.write());
        List<String> exec = new ArrayList<>(LandlockConfig.SYSTEM_EXECUTE);
        exec.add("/usr/local");
        exec.addAll(cfg.strings("landlock.allow_execute"));
        if (workspace != null) exec.add(workspace);
        List<Integer> bindPorts = new ArrayList<>();
        if (cfg.raw("landlock.network.bind_ports") instanceof List<?> l) {
            for (Object o : l) if (o instanceof Number n) bindPorts.add(n.intValue());
        }
        return new LandlockConfig(read, write, exec, cfg.strings("landlock.deny_paths"), LandlockConfig.SYSTEM_DEVICES,
                cfg.bool("landlock.network.allow_connect_tcp"), List.of(), cfg.bool("landlock.network.allow_bind_tcp"),
                bindPorts, true, true);
    }
}
