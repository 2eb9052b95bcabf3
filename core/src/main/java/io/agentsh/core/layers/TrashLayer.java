package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.audit.Event;
import io.agentsh.core.session.Session;
import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.core.trash.TrashApi;
import io.agentsh.core.trash.TrashEntry;
import io.agentsh.core.trash.TrashRoutes;
import io.agentsh.core.trash.TrashSettings;
import io.agentsh.core.trash.TrashStore;
import io.agentsh.policy.ServerConfig;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Soft delete in the daemon: the trash store ({@code sandbox.fuse.audit.trash_path}, the same
 * place the CLI reads), a {@link SoftDeleter} for the kernel supervisor's {@code soft_delete}
 * verdicts (file_soft_deleted events in the audit log), and the /api/v1/trash routes, with a
 * caller inside a session confined to that session's workspace.
 */
public final class TrashLayer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TrashLayer.class.getName());

    private final Daemon daemon;
    private final TrashStore store;
    private final SoftDeleter deleter;

    private TrashLayer(Daemon daemon, TrashStore store, SoftDeleter deleter) {
        this.daemon = daemon;
        this.store = store;
        this.deleter = deleter;
    }

    public static TrashLayer install(Daemon daemon, ServerConfig cfg) {
        TrashStore store;
        try {
            store = TrashStore.open(TrashSettings.from(cfg).resolve(null));
        } catch (IOException | RuntimeException e) {
            // Without a store a soft_delete verdict has nowhere to go: the supervisor then reports
            // the delete as performed for real, which we say loudly here.
            LOG.severe("trash store unavailable (" + e.getMessage() + "): soft_delete rules cannot divert deletes");
            return null;
        }
        SoftDeleter deleter = new SoftDeleter(store, e -> softDeleted(daemon, e, "seccomp"));
        new TrashRoutes(new TrashApi(store), c -> {
            Session s = daemon.sessionOf(c);
            return s == null ? TrashApi.Caller.OPERATOR : new TrashApi.Caller(s.id(), s.workspace());
        }).register(daemon.router());
        TrashLayer t = new TrashLayer(daemon, store, deleter);
        daemon.addLayer(t);
        return t;
    }

    private static void softDeleted(Daemon daemon, TrashEntry e, String source) {
        String session = e.session() == null ? "" : e.session();
        Session s = daemon.sessions().find(session);
        Session.RunningCommand running = s == null ? null : s.running();
        Event.Builder b = Event.builder("file_soft_deleted", session).source(source).path(e.originalPath())
                .field("trash_token", e.token()).field("restore_hint", "agentsh trash restore " + e.token());
        if (running != null) b.commandId(running.commandId());
        daemon.audit().emit(b.build());
    }

    /** The syscall supervisor's deleter (events with source seccomp). */
    public SoftDeleter deleter() { return deleter; }

    /** A deleter on the same store whose file_soft_deleted events name {@code source} (the FUSE view: "fuse"). */
    public SoftDeleter deleter(String source) { return new SoftDeleter(store, e -> softDeleted(daemon, e, source)); }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
