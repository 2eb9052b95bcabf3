package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.PolicyInfo;
import io.agentsh.core.fuse.FilePolicy;
import io.agentsh.core.fuse.FuseSettings;
import io.agentsh.core.fuse.WorkspaceMount;
import io.agentsh.core.fuse.WorkspaceMounts;
import io.agentsh.core.policy.EnginePolicy;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionListener;
import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.policy.Engine;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * The FUSE workspace view in the daemon ({@code sandbox.fuse.enabled}): at session creation the
 * view of the workspace is mounted with a session mount namespace in which it is bound over the
 * workspace path; the session reports the mount point as workspace_mount and the kernel layer
 * starts its commands in that namespace. With {@code deferred}, an unusable /dev/fuse gets the
 * {@code deferred_enable_command} once (when the marker file exists); if FUSE still cannot be
 * used, the session runs without a view and soft delete stays with the syscall supervisor.
 * Views are unmounted with their session and when the daemon stops; a crashed daemon's are swept
 * at start.
 */
public final class FuseLayer implements SessionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FuseLayer.class.getName());

    private final Daemon daemon;
    private final FuseSettings settings;
    private final WorkspaceMounts mounts;
    private final SoftDeleter deleter;

    private FuseLayer(Daemon daemon, FuseSettings settings, WorkspaceMounts mounts, SoftDeleter deleter) {
        this.daemon = daemon;
        this.settings = settings;
        this.mounts = mounts;
        this.deleter = deleter;
    }

    /** Installs the layer when {@code sandbox.fuse.enabled}; {@code deleter} (may be null) serves soft_delete in the view. */
    public static FuseLayer install(Daemon daemon, ServerConfig cfg, SoftDeleter deleter) {
        FuseSettings settings = FuseSettings.from(cfg);
        if (!settings.enabled()) return null;
        WorkspaceMounts mounts = new WorkspaceMounts(settings.mountBaseDir());
        try {
            List<Path> swept = mounts.sweepStale();
            if (!swept.isEmpty()) LOG.info("FUSE: unmounted stale views " + swept);
        } catch (IOException | RuntimeException e) {
            LOG.warning("FUSE: sweeping stale views under " + settings.mountBaseDir() + " failed: " + e.getMessage());
        }
        FuseLayer f = new FuseLayer(daemon, settings, mounts, deleter);
        daemon.sessions().addListener(f);
        daemon.addLayer(f);
        return f;
    }

    @Override
    public void created(Session s) {
        if (!(s.policy().get() instanceof EnginePolicy)) {
            throw new IllegalStateException("fuse: the session's policy has no compiled engine");
        }
        WorkspaceMounts.ViewSpec spec = new WorkspaceMounts.ViewSpec(FilePolicy.of(() -> engine(s)),
                settings.auditMode(), deleter, this::blocked);
        try {
            WorkspaceMount m = settings.deferred()
                    ? mounts.defer(s.id(), s.workspace(), spec, true, settings.deferredMarkerFile(),
                            settings.deferredEnableCommand()).get()
                    : mounts.mount(s.id(), s.workspace(), spec, true);
            s.workspaceView(m.mountPoint(), m.namespaceFile().orElseThrow());
        } catch (IOException | RuntimeException e) {
            // The file policy is still enforced by the syscall supervisor; only the view is missing.
            LOG.warning("FUSE: no workspace view for session " + s.id() + ": " + e.getMessage());
        }
    }

    /** The session's current engine, so a policy reload takes effect in the view at once. */
    private static Engine engine(Session s) {
        if (s.policy().get() instanceof EnginePolicy ep) return ep.engine();
        throw new IllegalStateException("the session's policy has no compiled engine");
    }

    private void blocked(String sessionId, String realPath, FileOperation op, Verdict v) {
        Session s = daemon.sessions().find(sessionId);
        Session.RunningCommand running = s == null ? null : s.running();
        Event.Builder b = Event.builder("file_" + op.wireName(), sessionId).source("fuse").path(realPath)
                .field("operation", op.wireName())
                .policy(new PolicyInfo(v.policyDecision().wireName(), v.effectiveDecision().wireName(), v.rule(), v.message()))
                .effectiveAction(v.effectiveDecision().wireName());
        if (running != null) b.commandId(running.commandId());
        daemon.audit().emit(b.build());
    }

    @Override
    public void destroyed(Session s) {
        mounts.get(s.id()).ifPresent(m -> {
            try {
                m.close();
            } catch (IOException | RuntimeException e) {
                LOG.warning("FUSE: unmounting the view of session " + s.id() + ": " + e.getMessage());
            }
        });
    }

    @Override
    public void close() throws IOException {
        mounts.close();
    }
}
