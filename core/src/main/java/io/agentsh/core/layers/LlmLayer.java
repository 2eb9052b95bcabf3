package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.audit.Event;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionListener;
import io.agentsh.proxy.dlp.DlpConfig;
import io.agentsh.proxy.dlp.DlpConfigException;
import io.agentsh.proxy.dlp.DlpEngine;
import io.agentsh.proxy.dlp.DlpSettings;
import io.agentsh.proxy.dlp.Redactor;
import io.agentsh.proxy.llm.LlmEvent;
import io.agentsh.proxy.llm.LlmProxy;
import io.agentsh.proxy.llm.LlmProxyConfig;
import io.agentsh.proxy.llm.LlmProxySettings;
import io.agentsh.proxy.llm.LlmSessionHandle;
import io.agentsh.policy.ServerConfig;
import java.io.IOException;
import java.util.List;

/**
 * The embedded LLM proxy ({@code proxy.mode: embedded}): started once, each session registered
 * with its own DLP redactor; ANTHROPIC_BASE_URL / OPENAI_BASE_URL go into every child of the
 * session, the proxy's address into the session's proxy facts (llm_proxy_url, GET .../proxy);
 * its events go to the audit log.
 */
public final class LlmLayer implements SessionListener, AutoCloseable {
    private final Daemon daemon;
    private final LlmProxy proxy;
    private final DlpEngine dlp;
    private final DlpSettings dlpSettings;
    private final NetworkLayer network;

    private LlmLayer(Daemon daemon, LlmProxy proxy, DlpEngine dlp, DlpSettings dlpSettings, NetworkLayer network) {
        this.daemon = daemon;
        this.network = network;
        this.proxy = proxy;
        this.dlp = dlp;
        this.dlpSettings = dlpSettings;
    }

    /** @throws IllegalStateException the proxy was asked for but cannot start */
    public static LlmLayer install(Daemon daemon, ServerConfig cfg) {
        return install(daemon, cfg, null);
    }

    /** @param network the network layer (sessions in their own namespace reach the proxy through it), or null */
    public static LlmLayer install(Daemon daemon, ServerConfig cfg, NetworkLayer network) {
        LlmProxySettings settings = LlmProxyConfig.fromServerConfig(cfg, List.of());
        if (settings.mode() != LlmProxySettings.Mode.EMBEDDED) return null;
        try {
            DlpSettings dlpSettings = DlpConfig.fromServerConfig(cfg);
            DlpEngine dlp = DlpEngine.compile(dlpSettings);
            LlmProxy proxy = LlmProxy.start(settings, e -> emit(daemon, e));
            LlmLayer l = new LlmLayer(daemon, proxy, dlp, dlpSettings, network);
            daemon.sessions().addListener(l);
            daemon.addLayer(l);
            return l;
        } catch (IOException | DlpConfigException e) {
            throw new IllegalStateException("llm proxy: " + e.getMessage(), e);
        }
    }

    private static void emit(Daemon daemon, LlmEvent e) {
        Event.Builder b = Event.builder(e.type(), e.sessionId()).source("llm_proxy").timestamp(e.timestamp());
        e.fields().forEach(b::field);
        daemon.audit().emit(b.build());
    }

    @Override
    public void created(Session s) throws IOException {
        LlmSessionHandle h = proxy.registerSession(s.id(), Redactor.forSession(dlp, dlpSettings.mode()));
        int port = network == null ? proxy.port() : network.reachableLoopbackPort(s, proxy.port());
        String from = ":" + proxy.port() + "/";
        String to = ":" + port + "/";
        h.environment().forEach((k, v) -> s.layerEnv().put(k, v.replace(from, to)));
        String addr = "127.0.0.1:" + port;
        s.proxy(new Session.ProxyInfo(addr, "embedded", dlpSettings.mode().toString().toLowerCase(java.util.Locale.ROOT),
                List.of()));
    }

    @Override
    public void destroyed(Session s) {
        proxy.unregisterSession(s.id());
    }

    @Override
    public void close() {
        proxy.close();
    }
}
