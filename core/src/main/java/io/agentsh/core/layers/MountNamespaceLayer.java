package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.ns.MountNamespaces;
import io.agentsh.core.ns.SessionMountNamespace;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Per-session mount namespaces for the layers that need one (the kernel layer's read masks, a
 * FUSE workspace view): {@link #forSession} makes the session's namespace the first time a layer
 * asks and returns the same one afterwards; it is released when the session ends and, for the
 * rest, when the daemon stops. At install, namespaces a previous daemon left behind are released
 * (see {@link MountNamespaces}). Directory: {@code <dir of the daemon's unix socket>/ns}
 * (e.g. /run/agentsh/ns), else {@code java.io.tmpdir/agentsh-ns-USER}.
 */
public final class MountNamespaceLayer implements SessionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MountNamespaceLayer.class.getName());

    private final MountNamespaces namespaces;

    private MountNamespaceLayer(MountNamespaces namespaces) {
        this.namespaces = namespaces;
    }

    /**
     * Installs the layer (closed with the daemon); null (with a warning) when this daemon cannot make
     * mount namespaces (not root). The caller registers it as a session listener after the layers
     * that use it ({@code daemon.sessions().addListener(layer)}), so a session's namespace is released
     * after their teardown.
     */
    public static MountNamespaceLayer install(Daemon daemon) {
        return install(daemon, directory(daemon));
    }

    /** As above, with the directory given. */
    public static MountNamespaceLayer install(Daemon daemon, Path dir) {
        MountNamespaces ns;
        try {
            ns = MountNamespaces.open(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warning("per-session mount namespaces unavailable (" + dir + ": " + e.getMessage()
                    + "); layers that need one fall back or refuse");
            return null;
        }
        MountNamespaceLayer l = new MountNamespaceLayer(ns);
        daemon.addLayer(l);
        return l;
    }

    static Path directory(Daemon daemon) {
        Path sock = daemon.config().unixSocketPath();
        if (sock != null && sock.getParent() != null && Files.isWritable(sock.getParent())) {
            return sock.getParent().resolve("ns");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "agentsh-ns-" + System.getProperty("user.name"));
    }

    /** The session's mount namespace, made on first use. */
    public SessionMountNamespace forSession(Session s) throws IOException {
        synchronized (s) {
            SessionMountNamespace ns = namespaces.find(s.id());
            return ns != null ? ns : namespaces.create(s.id());
        }
    }

    /** The session's mount namespace if some layer made one, else null. */
    public SessionMountNamespace find(Session s) {
        return namespaces.find(s.id());
    }

    @Override
    public void destroyed(Session s) {
        SessionMountNamespace ns = namespaces.find(s.id());
        if (ns != null) ns.close();
    }

    @Override
    public void close() {
        namespaces.close();
    }
}
