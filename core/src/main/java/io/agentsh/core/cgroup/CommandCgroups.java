package io.agentsh.core.cgroup;

import io.agentsh.policy.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The daemon's entry point for per-command cgroups ({@code sandbox.cgroups.enabled},
 * {@code base_path}, {@code best_effort}). Build once at start-up (this also sweeps empty
 * {@code agentsh-*} left-overs of an earlier daemon), then per command:
 * <pre>
 * CgroupLimits limits = CgroupLimits.of(engine.limits(), cfg);           // + withDevice(...) for disk limits
 * CommandCgroups.Placement p = cgroups.forCommand(sessionId, commandId, limits);
 * CommandCgroup cg = p.cgroup();                                         // null: nothing to limit (or degraded)
 * if (cg != null) pendingArm.beforePlan(cg::join);                       // joins before the wrapper execs
 * ... command exits ...
 * CgroupUsage u = cg.finish();                                           // resources + OOM for the response
 * </pre>
 * Fail closed: limits requested, cgroups enabled, but no backend (or creating the cgroup fails)
 * throws, and the command must be refused, unless {@code best_effort} is set.
 *
 * <p>The cgroups come from a {@link CgroupPool}: made with their limits ahead of time on a
 * background thread, removed after the command there too. {@link #close} removes the ready ones.
 */
public final class CommandCgroups implements AutoCloseable {
    /**
     * Ready cgroups kept per limits value: a fan-out of a few commands finds them made. The system
     * property {@code agentsh.cgroups.pool_depth} overrides it; 0 turns the pool off (each
     * command's cgroup made and removed on its own path, as before the pool: for A/B benchmarks).
     */
    static final int POOL_DEPTH = Math.max(0, Integer.getInteger("agentsh.cgroups.pool_depth", 4));
    public static final String PREFIX = "agentsh-";
    private final boolean enabled;
    static final java.time.Duration STALE_AFTER = java.time.Duration.ofMinutes(5);

    private final boolean bestEffort;
    private final CgroupBackend backend;
    private final String unavailable;
    private final CgroupPool pool;

    CommandCgroups(boolean enabled, boolean bestEffort, CgroupBackend backend, String unavailable) {
        this.enabled = enabled;
        this.bestEffort = bestEffort;
        this.backend = backend;
        this.unavailable = unavailable;
        this.pool = backend == null || POOL_DEPTH == 0 ? null : CgroupPool.start(backend, POOL_DEPTH);
    }

    public static CommandCgroups fromConfig(ServerConfig cfg) {
        return create(cfg.bool("sandbox.cgroups.enabled"), cfg.bool("sandbox.cgroups.best_effort"),
                cfg.string("sandbox.cgroups.base_path"), CgroupLayout.probe(), CgroupFs.REAL);
    }

    static CommandCgroups create(boolean enabled, boolean bestEffort, String basePath, CgroupLayout layout, CgroupFs fs) {
        if (!enabled) return new CommandCgroups(false, bestEffort, null, "sandbox.cgroups.enabled is false");
        try {
            CgroupBackend b = layout.backend(basePath, fs);
            // Older than any arming could take: a younger empty cgroup may be another daemon's
            // command between creation and join.
            b.sweep(PREFIX, java.time.Instant.now().minus(STALE_AFTER));
            return new CommandCgroups(true, bestEffort, b, null);
        } catch (IOException e) {
            return new CommandCgroups(true, bestEffort, null, e.getMessage());
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** The backend in use, or null (then {@link #unavailableReason}). */
    public CgroupBackend backend() {
        return backend;
    }

    public String unavailableReason() {
        return unavailable;
    }

    /**
     * Where a command goes: its cgroup (null when there is nothing to limit or cgroups are off),
     * or, under {@code best_effort}, null with the reason the limits were not applied (for a
     * {@code cgroup_limits_degraded} event).
     */
    public record Placement(CommandCgroup cgroup, String degradedReason) {
        static final Placement NONE = new Placement(null, null);

        public boolean degraded() {
            return degradedReason != null;
        }
    }

    /**
     * The command's cgroup with its limits, from the pool (named {@code agentsh-pool-<daemon pid>-<n>}:
     * it was made before the command was known; the {@code cgroup_applied} event names both).
     *
     * @throws IOException the limits cannot be applied and best_effort is off: refuse the command
     *                     (a {@code cgroup_unavailable_refusal})
     */
    public Placement forCommand(String sessionId, String commandId, CgroupLimits limits) throws IOException {
        if (!enabled || limits == null || !limits.any()) return Placement.NONE;
        try {
            if (backend == null) throw new IOException("cgroup limits requested but unavailable: " + unavailable);
            if (pool == null) return new Placement(backend.create(PREFIX + sessionId + "-" + commandId, limits), null);
            return new Placement(pool.take(limits), null);
        } catch (IOException e) {
            if (bestEffort) return new Placement(null, e.getMessage());
            throw e;
        }
    }

    /** Removes the pool's ready cgroups (commands still running keep theirs until they finish). */
    @Override
    public void close() {
        if (pool != null) pool.close();
    }

    /** The workspace's disk for io limits (null: disk limits are skipped). */
    public static String deviceOf(Path workspace) {
        return workspace == null ? null : BlockDevice.of(workspace);
    }
}
