package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.PolicyInfo;
import io.agentsh.core.fuse.DeferredMount;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The FUSE workspace view in the daemon ({@code sandbox.fuse.enabled}). Each session's view is
 * mounted at {@code <base>/<sid>/workspace-mnt} (reported as workspace_mount) and shown over the
 * workspace path inside the session's mount namespace ({@link MountNamespaceLayer}), which every
 * command of the session joins (the kernel layer's SETNS item): commands see the view at the real
 * path. Mounted when the session is created, or with {@code deferred} before its first command
 * ({@link #ensureView}; an unusable /dev/fuse gets {@code deferred_enable_command} once when the
 * marker file exists). Without a view (FUSE unusable, mount failed, workspace "/") the session
 * runs on the real directory and soft delete stays with the syscall supervisor. Views are
 * unmounted with their session and when the daemon stops; a crashed daemon's are swept at start.
 */
public final class FuseLayer implements SessionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FuseLayer.class.getName());

    private final Daemon daemon;
    private final FuseSettings settings;
    private final WorkspaceMounts mounts;
    private final SoftDeleter deleter;
    private final MountNamespaceLayer namespaces;
    private final Map<String, DeferredMount> pending = new ConcurrentHashMap<>();

    private FuseLayer(Daemon daemon, FuseSettings settings, WorkspaceMounts mounts, SoftDeleter deleter,
                      MountNamespaceLayer namespaces) {
        this.daemon = daemon;
        this.settings = settings;
        this.mounts = mounts;
        this.deleter = deleter;
        this.namespaces = namespaces;
    }

    /**
     * Installs the layer when {@code sandbox.fuse.enabled} and sessions can have mount namespaces;
     * else null (soft delete through the supervisor). {@code deleter} (may be null) serves
     * soft_delete in the view.
     */
    public static FuseLayer install(Daemon daemon, ServerConfig cfg, SoftDeleter deleter, MountNamespaceLayer namespaces) {
        FuseSettings settings = FuseSettings.from(cfg);
        if (!settings.enabled()) return null;
        if (namespaces == null) {
            LOG.warning("FUSE: sandbox.fuse.enabled, but sessions get no mount namespace (kernel enforcement off or "
                    + "not root): no workspace view; soft delete goes through the syscall supervisor");
            return null;
        }
        WorkspaceMounts mounts = new WorkspaceMounts(settings.mountBaseDir());
        try {
            List<Path> swept = mounts.sweepStale();
            if (!swept.isEmpty()) LOG.info("FUSE: unmounted stale views " + swept);
        } catch (IOException | RuntimeException e) {
            LOG.warning("FUSE: sweeping stale views under " + settings.mountBaseDir() + " failed: " + e.getMessage());
        }
        FuseLayer f = new FuseLayer(daemon, settings, mounts, deleter, namespaces);
        daemon.sessions().addListener(f);
        daemon.addLayer(f);
        return f;
    }

    @Override
    public void created(Session s) {
        if (!(s.policy().get() instanceof EnginePolicy)) {
            throw new IllegalStateException("fuse: the session's policy has no compiled engine");
        }
        if (s.workspace().getNameCount() == 0) {
            // A view over / would hide /proc, /dev and every other mount from the session.
            LOG.info("FUSE: session " + s.id() + " has / as its workspace: no view");
            return;
        }
        WorkspaceMounts.ViewSpec spec = new WorkspaceMounts.ViewSpec(FilePolicy.of(() -> engine(s)),
                settings.auditMode(), deleter, this::blocked);
        if (settings.deferred()) {
            pending.put(s.id(), mounts.defer(s.id(), s.workspace(), spec, settings.deferredMarkerFile(),
                    settings.deferredEnableCommand()));
            return;
        }
        try {
            show(s, mounts.mount(s.id(), s.workspace(), spec), false);
        } catch (IOException | RuntimeException e) {
            failed(s, e, false);
        }
    }

    /**
     * Called before each command of the session is launched: mounts a deferred view the first
     * time. Never throws: without a view the command runs on the real directory, still under the
     * supervisor's file policy and soft delete.
     */
    public void ensureView(Session s) {
        DeferredMount d = pending.get(s.id());
        if (d == null) return;
        synchronized (d) {
            if (pending.get(s.id()) != d) return;
            try {
                show(s, d.get(), true);
            } catch (IOException | RuntimeException e) {
                failed(s, e, true);
            } finally {
                pending.remove(s.id(), d);
            }
        }
    }

    private void show(Session s, WorkspaceMount m, boolean deferred) throws IOException {
        try {
            m.showIn(namespaces.forSession(s));
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        s.workspaceView(m.mountPoint());
        daemon.audit().emit(Event.builder("fuse_mounted", s.id()).source("fuse").path(m.mountPoint().toString())
                .field("workspace", s.workspace().toString()).field("deferred", deferred)
                .field("passthrough", m.passthrough()).build());
    }

    private void failed(Session s, Exception e, boolean deferred) {
        LOG.warning("FUSE: no workspace view for session " + s.id() + ": " + e.getMessage());
        daemon.audit().emit(Event.builder("fuse_mount_failed", s.id()).source("fuse")
                .field("workspace", s.workspace().toString()).field("deferred", deferred)
                .field("error", String.valueOf(e.getMessage())).build());
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
        pending.remove(s.id());
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
