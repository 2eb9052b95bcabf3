package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.kernel.supervisor.SupervisorOptions;
import io.agentsh.policy.ServerConfig;
import java.util.logging.Logger;

/** Plugs the enforcement layers into a started daemon, in dependency order. */
public final class Layers {
    private static final Logger LOG = Logger.getLogger(Layers.class.getName());

    private Layers() {}

    /** @throws IllegalStateException a layer the config asks for could not start (the daemon must not run without it) */
    public static void install(Daemon daemon, ServerConfig cfg) {
        // First, so it is closed last, after every layer that mounts inside a session's namespace.
        MountNamespaceLayer mountNs = KernelLayer.wanted(cfg) ? MountNamespaceLayer.install(daemon) : null;
        TrashLayer trash = TrashLayer.install(daemon, cfg);
        SupervisorOptions options = SupervisorOptions.DEFAULT;
        if (trash != null) options = options.withSoftDeleter(trash.deleter());
        KernelLayer.install(daemon, cfg, options, mountNs);
        NetworkLayer network;
        try {
            network = NetworkLayer.install(daemon, cfg);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("network layer: " + e.getMessage(), e);
        }
        LlmLayer.install(daemon, cfg, network);
        // Last listener: a session's namespace is released after the other layers' teardown.
        if (mountNs != null) daemon.sessions().addListener(mountNs);
    }
}
