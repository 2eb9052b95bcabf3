package io.agentsh.core.layers;

import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.core.cgroup.CgroupLimits;
import io.agentsh.core.cgroup.CgroupUsage;
import io.agentsh.core.cgroup.CommandCgroup;
import io.agentsh.core.cgroup.CommandCgroups;
import io.agentsh.core.exec.CommandLauncher.LaunchException;
import io.agentsh.core.policy.EnginePolicy;
import io.agentsh.core.session.Session;
import io.agentsh.policy.ServerConfig;
import java.io.IOException;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Per-command cgroups ({@code sandbox.cgroups.*} with the session policy's {@code resource_limits})
 * for the commands the kernel layer arms: the cgroup is created before the launch, the command's
 * pid joins it in the arming hook (filter installed, nothing exec'd yet, so every descendant is
 * born inside), and {@link Placed#finish} after the tree ends reads the usage and removes it.
 *
 * <p>Fail closed: limits requested but not appliable refuse the command
 * ({@code cgroup_unavailable_refusal}) unless {@code sandbox.cgroups.best_effort}
 * ({@code cgroup_limits_degraded}).
 */
final class CgroupLayer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CgroupLayer.class.getName());

    private static final boolean SELF_JOIN = !"false".equals(System.getProperty("agentsh.cgroups.self_join"));

    private final CommandCgroups cgroups;
    private final ServerConfig config;
    private final AuditLog audit;

    private CgroupLayer(CommandCgroups cgroups, ServerConfig config, AuditLog audit) {
        this.cgroups = cgroups;
        this.config = config;
        this.audit = audit;
    }

    /** Null when cgroups are not enabled (then no command gets one). Sweeps stale cgroups. */
    static CgroupLayer install(ServerConfig cfg, AuditLog audit) {
        if (!cfg.bool("sandbox.cgroups.enabled")) return null;
        CommandCgroups c = CommandCgroups.fromConfig(cfg);
        if (c.backend() == null) {
            LOG.warning("cgroups enabled but unavailable (" + c.unavailableReason() + "); commands with resource_limits are "
                    + (cfg.bool("sandbox.cgroups.best_effort") ? "run without them (best_effort)" : "refused"));
        } else {
            LOG.info("per-command cgroups: " + c.backend().getClass().getSimpleName());
        }
        return new CgroupLayer(c, cfg, audit);
    }

    /** Removes the ready cgroups of the pool (at daemon shutdown). */
    @Override
    public void close() {
        cgroups.close();
    }

    /** One command's placement: its cgroup (null: nothing to limit, or degraded). */
    final class Placed {
        private final Session session;
        private final String commandId;
        private final CommandCgroup cgroup;
        private volatile CgroupUsage usage;

        private Placed(Session session, String commandId, CommandCgroup cgroup) {
            this.session = session;
            this.commandId = commandId;
            this.cgroup = cgroup;
        }

        /**
         * The files the command's wrapper writes "0" to, to move itself in before it forks (cgroup
         * v1; see WrapperProtocol.PLAN_CGROUP); empty: {@link #join} moves it by pid. The system
         * property {@code agentsh.cgroups.self_join=false} turns this off (A/B benchmarks).
         */
        java.util.List<java.nio.file.Path> selfJoinFiles() {
            return cgroup == null || !SELF_JOIN ? java.util.List.of() : cgroup.selfJoinFiles();
        }

        /** {@link #selfJoinFiles} already open (the pool opens them ahead of time), or null: open them now. */
        int[] takeSelfJoinDescriptors() {
            return cgroup == null || !SELF_JOIN ? null : cgroup.takeSelfJoinDescriptors();
        }

        /** The arming hook: moves the command's root pid in before it execs ({@code selfJoined}: checks it moved itself). */
        void join(long pid, boolean selfJoined) throws IOException {
            if (cgroup == null) return;
            if (selfJoined) cgroup.verifyJoined(pid);
            else cgroup.join(pid);
            audit.emit(Event.builder("cgroup_applied", session.id()).commandId(commandId).pid((int) pid)
                    .field("cgroup", cgroup.name()).build());
        }

        /** After the tree ended (idempotent): kills leftovers, reads the usage, removes the cgroup; emits OOM kills. */
        synchronized Map<String, Object> finish() {
            if (cgroup == null) return Map.of();
            if (usage == null) {
                usage = cgroup.finish();
                if (usage.oomKilled()) {
                    audit.emit(Event.builder("cgroup_oom_killed", session.id()).commandId(commandId)
                            .field("cgroup", cgroup.name()).field("oom_kills", usage.oomKills())
                            .field("memory_peak_kb", usage.memoryPeakBytes() / 1024).build());
                }
            }
            return usage.toResources();
        }
    }

    /**
     * Creates the command's cgroup with its session policy's limits.
     *
     * @throws LaunchException limits requested but not appliable (and not best_effort): refuse the command
     */
    Placed place(Session s, String commandId) throws LaunchException {
        CgroupLimits limits = s.policy().get() instanceof EnginePolicy ep
                ? CgroupLimits.of(ep.engine().limits(), config) : CgroupLimits.of(null, config);
        if (limits.readBps() > 0 || limits.writeBps() > 0) {
            limits = limits.withDevice(CommandCgroups.deviceOf(s.workspace()));
        }
        CommandCgroups.Placement p;
        try {
            p = cgroups.forCommand(s.id(), commandId, limits);
        } catch (IOException | RuntimeException e) {
            audit.emit(Event.builder("cgroup_unavailable_refusal", s.id()).commandId(commandId)
                    .field("error", e.getMessage()).build());
            throw new LaunchException("resource limits cannot be applied: " + e.getMessage());
        }
        if (p.degraded()) {
            audit.emit(Event.builder("cgroup_limits_degraded", s.id()).commandId(commandId)
                    .field("error", p.degradedReason()).build());
        }
        return new Placed(s, commandId, p.cgroup());
    }
}
