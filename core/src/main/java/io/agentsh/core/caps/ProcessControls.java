package io.agentsh.core.caps;

import io.agentsh.core.kernel.supervisor.ArmingPlan;
import io.agentsh.policy.ServerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The process-control part of a session's arming plan, from the server config:
 * {@code capabilities.allow} (configured: every other capability is dropped from all five
 * sets before the exec; not configured: capabilities are left alone, as the reference does)
 * and {@code sandbox.namespaces.pid} (the command runs as pid 1 of a PID namespace of its own
 * with its own /proc, so it sees and can signal only its own processes).
 * <pre>
 * ArmingPlan plan = ProcessControls.fromConfig(cfg).applyTo(KernelPlans.forSession(...));
 * </pre>
 */
public record ProcessControls(boolean dropCapabilities, long keepMask, boolean pidNamespace, List<String> warnings) {
    public static final ProcessControls NONE = new ProcessControls(false, 0, false, List.of());

    public static ProcessControls fromConfig(ServerConfig cfg) {
        List<String> warnings = new ArrayList<>();
        boolean drop = cfg.isSet("capabilities.allow");
        long keep = 0;
        if (drop) {
            Capabilities.KeepSet k = Capabilities.keep(cfg.strings("capabilities.allow"));
            keep = k.keepMask();
            warnings.addAll(k.warnings());
        }
        return new ProcessControls(drop, keep, cfg.bool("sandbox.namespaces.pid"), List.copyOf(warnings));
    }

    public ArmingPlan applyTo(ArmingPlan plan) {
        ArmingPlan p = dropCapabilities ? plan.withCapabilities(keepMask) : plan;
        return pidNamespace ? p.withPidNamespace(true) : p;
    }
}
