package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.bpf.SeccompAction;
import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.masks.ReadPlan;
import io.agentsh.core.kernel.masks.ReadPlanCompiler;
import io.agentsh.core.kernel.landlock.LandlockAbi;
import io.agentsh.core.kernel.landlock.LandlockConfig;
import io.agentsh.core.kernel.landlock.LandlockRuleset;
import io.agentsh.core.kernel.landlock.LandlockRulesetBuilder;
import io.agentsh.core.kernel.landlock.PolicyLandlockPaths;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import io.agentsh.policy.Engine;
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
        return forSession(cfg, policy, variables, kernelPolicy, workspace, backend, null);
    }

    /**
     * As above; {@code view} (may be null) is where the session's FUSE workspace view is mounted in
     * the daemon's namespace: the Landlock rules on the workspace hold in the view too
     * ({@link LandlockConfig#withView}), for commands that see the view at the workspace path.
     */
    public static ArmingPlan forSession(ServerConfig cfg, Policy policy, Map<String, String> variables,
                                        KernelPolicy kernelPolicy, String workspace, SupervisionBackend backend,
                                        String view) throws IOException {
        List<String> block = cfg.strings("sandbox.seccomp.syscalls.block");
        var filter = SyscallSets.sessionFilter(block.isEmpty() ? SyscallSets.DEFAULT_BLOCKED : block,
                kernelPolicy.readsCanBeDenied(),
                kernelPolicy.governsUnixSockets() || kernelPolicy.governsConnectRedirects());
        LandlockRuleset ruleset = null;
        if (cfg.bool("landlock.enabled") && LandlockAbi.probe() > 0) {
            ruleset = LandlockRulesetBuilder.build(landlockConfig(cfg, PolicyLandlockPaths.derive(policy, variables), workspace)
                    .withView(workspace, view));
        }
        long keep = cfg.isSet("capabilities.allow") ? Capabilities.keepMask(cfg.strings("capabilities.allow")) : -1L;
        return new ArmingPlan(program(filter, backend), ruleset, true, keep, false, backend);
    }

    /** The filter for the backend: USER_NOTIF, TRACE, or TRACE for exec and USER_NOTIF for the rest (hybrid). */
    private static io.agentsh.core.kernel.bpf.BpfProgram program(io.agentsh.core.kernel.bpf.FilterSpec filter, SupervisionBackend backend) {
        return switch (backend) {
            case SECCOMP -> SeccompFilterBuilder.build(filter);
            case PTRACE -> SeccompFilterBuilder.build(filter, SeccompAction.TRACE, java.util.Set.of());
            case HYBRID -> SeccompFilterBuilder.build(filter, SeccompAction.USER_NOTIF, SyscallSets.EXEC);
        };
    }

    /**
     * A session's plans: {@code trapping} (read-only opens trapped and decided by the supervisor,
     * as {@link #forSession} builds it) and, when the engine's read decisions can all be made in
     * the kernel ({@link ReadPlan#complete()}) and {@code mountNamespaces} is true, {@code masked}:
     * read-only opens stay in the kernel, Landlock's read rules are exactly the plan's, and the
     * command must run in the session's mount namespace with {@code reads}' masks applied.
     * Close both plans' rulesets with the session.
     */
    public record SessionPlans(ArmingPlan trapping, ArmingPlan masked, ReadPlan reads) {}

    public static SessionPlans forSession(ServerConfig cfg, Engine engine, KernelPolicy kernelPolicy, String workspace,
                                          boolean mountNamespaces) throws IOException {
        return forSession(cfg, engine, kernelPolicy, workspace, mountNamespaces, SupervisionBackend.SECCOMP);
    }

    /** As above, both plans for {@code backend} (ptrace: the trapped syscalls return SECCOMP_RET_TRACE). */
    public static SessionPlans forSession(ServerConfig cfg, Engine engine, KernelPolicy kernelPolicy, String workspace,
                                          boolean mountNamespaces, SupervisionBackend backend) throws IOException {
        return forSession(cfg, engine, kernelPolicy, workspace, mountNamespaces, backend, null);
    }

    /** As above; both rulesets also hold in the session's FUSE view mounted at {@code view} (may be null). */
    public static SessionPlans forSession(ServerConfig cfg, Engine engine, KernelPolicy kernelPolicy, String workspace,
                                          boolean mountNamespaces, SupervisionBackend backend, String view)
            throws IOException {
        Policy policy = engine.policy();
        Map<String, String> variables = engine.options().variables();
        ArmingPlan trapping = forSession(cfg, policy, variables, kernelPolicy, workspace, backend, view);
        long keep = trapping.keepCapabilities();
        boolean landlock = trapping.landlock() != null;
        LandlockConfig lc = landlockConfig(cfg, PolicyLandlockPaths.derive(policy, variables), workspace);
        // Execute, write and device rules grant reading too (LandlockRulesetBuilder): the plan must see them.
        List<String> otherReads = new ArrayList<>(lc.allowExecute());
        otherReads.addAll(lc.allowWrite());
        otherReads.addAll(lc.devicePaths());
        ReadPlan reads = !mountNamespaces ? ReadPlan.incomplete("no per-session mount namespaces in this daemon")
                : ReadPlanCompiler.compile(engine, new ReadPlanCompiler.Inputs(landlock, otherReads, keep,
                        cfg.bool("sandbox.namespaces.pid"), false, workspace));
        if (!reads.complete()) return new SessionPlans(trapping, null, reads);
        List<String> block = cfg.strings("sandbox.seccomp.syscalls.block");
        var filter = SyscallSets.sessionFilter(block.isEmpty() ? SyscallSets.DEFAULT_BLOCKED : block, false,
                kernelPolicy.governsUnixSockets() || kernelPolicy.governsConnectRedirects());
        LandlockRuleset ruleset = null;
        if (landlock) {
            ruleset = LandlockRulesetBuilder.build(new LandlockConfig(reads.landlockRead(), lc.allowWrite(), lc.allowExecute(),
                    lc.denyPaths(), lc.devicePaths(), lc.allowConnectTcp(), lc.connectPorts(), lc.allowBindTcp(), lc.bindPorts(),
                    lc.scopeSignals(), lc.scopeAbstractUnix()).withView(workspace, view));
        }
        return new SessionPlans(trapping, new ArmingPlan(program(filter, backend), ruleset, true, keep, false, backend), reads);
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
