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
 * CommandCgroup cg = cgroups.forCommand(sessionId, commandId, limits);   // null: nothing to limit
 * pendingArm.beforePlan(cg::join);                                       // joins before the wrapper execs
 * ... command exits ...
 * CgroupUsage u = cg.finish();                                           // resources + OOM for the response
 * </pre>
 * Fail closed: limits requested, cgroups enabled, but no backend (or creating the cgroup fails)
 * throws, and the command must be refused, unless {@code best_effort} is set.
 */
public final class CommandCgroups {
    public static final String PREFIX = "agentsh-";
    private final boolean enabled;
    private final boolean bestEffort;
    private final CgroupBackend backend;
    private final String unavailable;

    CommandCgroups(boolean enabled, boolean bestEffort, CgroupBackend backend, String unavailable) {
        this.enabled = enabled;
        this.bestEffort = bestEffort;
        this.backend = backend;
        this.unavailable = unavailable;
    }

    public static CommandCgroups fromConfig(ServerConfig cfg) {
        return create(cfg.bool("sandbox.cgroups.enabled"), cfg.bool("sandbox.cgroups.best_effort"),
                cfg.string("sandbox.cgroups.base_path"), CgroupLayout.probe(), CgroupFs.REAL);
    }

    static CommandCgroups create(boolean enabled, boolean bestEffort, String basePath, CgroupLayout layout, CgroupFs fs) {
        if (!enabled) return new CommandCgroups(false, bestEffort, null, "sandbox.cgroups.enabled is false");
        try {
            CgroupBackend b = layout.backend(basePath, fs);
            b.sweep(PREFIX);
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
     * The command's cgroup, or null when there is nothing to limit, cgroups are disabled, or
     * (best effort only) they cannot be used.
     *
     * @throws IOException the limits cannot be applied: refuse the command
     */
    public CommandCgroup forCommand(String sessionId, String commandId, CgroupLimits limits) throws IOException {
        if (!enabled || limits == null || !limits.any()) return null;
        try {
            if (backend == null) throw new IOException("cgroup limits requested but unavailable: " + unavailable);
            return backend.create(PREFIX + sessionId + "-" + commandId, limits);
        } catch (IOException e) {
            if (bestEffort) return null;
            throw e;
        }
    }

    /** The workspace's disk for io limits (null: disk limits are skipped). */
    public static String deviceOf(Path workspace) {
        return workspace == null ? null : BlockDevice.of(workspace);
    }
}
