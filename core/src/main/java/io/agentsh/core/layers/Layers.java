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
        TrashLayer trash = TrashLayer.install(daemon, cfg);
        SupervisorOptions options = SupervisorOptions.DEFAULT;
        if (trash != null) options = options.withSoftDeleter(trash.deleter());
        KernelLayer.install(daemon, cfg, options);
        NetworkLayer network;
        try {
            network = NetworkLayer.install(daemon, cfg);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("network layer: " + e.getMessage(), e);
        }
        LlmLayer.install(daemon, cfg, network);
    }
}
