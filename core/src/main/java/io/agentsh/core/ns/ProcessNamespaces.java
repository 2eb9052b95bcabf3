package io.agentsh.core.ns;

import io.agentsh.core.kernel.supervisor.ArmingPlan;
import io.agentsh.policy.ServerConfig;

/**
 * The per-command PID namespace ({@code sandbox.namespaces.pid: true}; the reference reserves
 * {@code sandbox.namespaces} and never applies it): the command runs as pid 1 of a PID
 * namespace of its own, with its own /proc in a private mount namespace, so {@code ps -e}
 * lists only its processes and it can signal nothing else. Capability drop
 * ({@code capabilities.allow}) is already in {@code KernelPlans.forSession}.
 * <pre>
 * ArmingPlan plan = ProcessNamespaces.fromConfig(cfg).applyTo(KernelPlans.forSession(...));
 * </pre>
 */
public record ProcessNamespaces(boolean pid) {
    public static ProcessNamespaces fromConfig(ServerConfig cfg) {
        return new ProcessNamespaces(cfg.bool("sandbox.namespaces.pid"));
    }

    public ArmingPlan applyTo(ArmingPlan plan) {
        return pid ? plan.withPidNamespace(true) : plan;
    }
}
