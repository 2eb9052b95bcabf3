package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.PolicyInfo;
import io.agentsh.core.policy.EnginePolicy;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionListener;
import io.agentsh.proxy.dns.ResolvConf;
import io.agentsh.proxy.net.EngineNetworkPolicy;
import io.agentsh.proxy.net.NetEvent;
import io.agentsh.proxy.net.NetworkOptions;
import io.agentsh.proxy.net.NetworkService;
import io.agentsh.proxy.net.ProxyConfig;
import io.agentsh.proxy.net.SessionNetwork;
import io.agentsh.policy.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The network layer in the daemon: one {@link NetworkService} from {@code sandbox.network.*}, a
 * {@link SessionNetwork} per session (its proxy variables go into every child of the session,
 * its URL is the session's proxy_url), closed with the session; NetEvents into the audit log
 * with the session's running command; the layer's counters on /metrics.
 *
 * <p>Transparent mode ({@code intercept_mode: all}): the session's network namespace goes into
 * {@link Session#networkNamespace()}; the kernel layer has every command join it (the exec
 * wrapper's SETNS item, before it is armed). Commands the kernel layer does not launch are not
 * placed there.
 */
public final class NetworkLayer implements SessionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NetworkLayer.class.getName());

    private final Daemon daemon;
    private final NetworkService service;
    private final Map<String, SessionNetwork> networks = new ConcurrentHashMap<>();
    private final Map<String, List<io.agentsh.proxy.net.LoopbackForward>> forwards = new ConcurrentHashMap<>();

    private NetworkLayer(Daemon daemon, NetworkService service) {
        this.daemon = daemon;
        this.service = service;
    }

    public static boolean wanted(ServerConfig cfg) {
        return cfg.bool("sandbox.network.enabled");
    }

    public static NetworkLayer install(Daemon daemon, ServerConfig cfg) throws IOException {
        if (!wanted(cfg)) return null;
        List<InetSocketAddress> dns;
        try {
            dns = ResolvConf.nameservers(ResolvConf.DEFAULT);
        } catch (IOException e) {
            dns = List.of();
        }
        if (dns.isEmpty()) dns = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
        String listen = cfg.string("sandbox.network.proxy_listen_addr");
        InetSocketAddress listenAddr = listen == null || listen.isBlank() ? null : parse(listen);
        boolean transparentAsked = "all".equals(cfg.string("sandbox.network.intercept_mode"))
                || cfg.bool("sandbox.network.transparent.enabled");
        boolean transparent = transparentAsked && KernelLayer.wanted(cfg);
        if (transparentAsked && !transparent) {
            LOG.warning("sandbox.network: transparent interception asked for, but kernel enforcement (the exec wrapper, "
                    + "which joins commands to the session network namespace) is off; sessions use the explicit proxy");
        }
        NetworkLayer[] self = new NetworkLayer[1];
        NetworkService svc = NetworkService.start(ProxyConfig.of(dns), e -> { if (self[0] != null) self[0].event(e); },
                new NetworkOptions(listenAddr, transparent, cfg.string("sandbox.network.transparent.subnet_base"), null));
        NetworkLayer n = new NetworkLayer(daemon, svc);
        self[0] = n;
        daemon.sessions().addListener(n);
        daemon.metrics().addSource(() -> svc.metrics().prometheus());
        daemon.addLayer(n);
        return n;
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("sandbox.network.proxy_listen_addr: expected host:port, got "
                + hostPort);
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(InetAddress.ofLiteral(host.isEmpty() ? "127.0.0.1" : host),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public void created(Session s) throws Exception {
        if (!(s.policy().get() instanceof EnginePolicy ep)) {
            throw new IllegalStateException("network: the session's policy has no compiled engine");
        }
        SessionNetwork net = service.openSession(s.id(), new EngineNetworkPolicy(ep.engine()));
        networks.put(s.id(), net);
        s.layerEnv().putAll(net.environment());
        s.networkProxyUrl(net.proxyUrl());
        // Transparent mode: the exec wrapper joins every command to the session's namespace.
        net.netnsPath().ifPresent(s::networkNamespace);
    }

    /**
     * Makes a daemon loopback port reachable from the session's commands: in transparent mode a
     * forward on the namespace's 127.0.0.1 (returns its port, closed with the session); in
     * explicit mode the commands share the daemon's loopback and the port is returned unchanged.
     */
    public int reachableLoopbackPort(Session s, int daemonPort) throws IOException {
        SessionNetwork net = networks.get(s.id());
        if (net == null || net.netnsPath().isEmpty()) return daemonPort;
        io.agentsh.proxy.net.LoopbackForward f =
                io.agentsh.proxy.net.LoopbackForward.start(service.runtime(), net.netnsPath().get(), daemonPort);
        forwards.computeIfAbsent(s.id(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(f);
        return f.port();
    }

    @Override
    public void destroyed(Session s) {
        List<io.agentsh.proxy.net.LoopbackForward> f = forwards.remove(s.id());
        if (f != null) f.forEach(io.agentsh.proxy.net.LoopbackForward::close);
        SessionNetwork net = networks.remove(s.id());
        if (net != null) net.close();
    }

    private void event(NetEvent e) {
        Session s = e.sessionId() == null ? null : daemon.sessions().find(e.sessionId());
        Session.RunningCommand running = s == null ? null : s.running();
        Event.Builder b = Event.builder(e.type(), e.sessionId()).source("network").timestamp(e.timestamp())
                .domain(e.domain()).remote(e.remote());
        if (running != null) b.commandId(running.commandId());
        if (e.policy() != null) {
            b.policy(new PolicyInfo(e.policy().policyDecision(), e.policy().effectiveDecision(), e.policy().rule(),
                    e.policy().message())).effectiveAction(e.policy().effectiveDecision());
        }
        if (e.fields() != null) e.fields().forEach(b::field);
        daemon.audit().emit(b.build());
    }

    @Override
    public void close() {
        for (String id : List.copyOf(networks.keySet())) {
            SessionNetwork n = networks.remove(id);
            if (n != null) n.close();
        }
        service.close();
    }
}
