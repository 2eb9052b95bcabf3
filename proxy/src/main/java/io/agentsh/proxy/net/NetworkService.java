package io.agentsh.proxy.net;

import io.agentsh.proxy.dns.DnsCorrelationCache;
import io.agentsh.proxy.dns.DnsProxy;
import io.agentsh.proxy.transparent.SessionNetns;
import io.agentsh.proxy.transparent.StaleSweeper;
import io.agentsh.proxy.transparent.SubnetAllocator;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's entry point to the network layer: one per daemon. {@link #start} builds the
 * shared runtime and, when transparent mode is asked for, sweeps stale namespaces left by dead
 * daemons and probes that netns + veth + nftables really work here (result in
 * {@link #transparentStatus()}); {@link #openSession} gives each session its attachment,
 * falling back to the explicit proxy (logged, evented, reported) when transparent setup fails.
 */
public final class NetworkService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("agentsh.net");

    private final NetRuntime rt;
    private final NetworkOptions options;
    private final SubnetAllocator subnets;
    private volatile TransparentStatus status;

    private NetworkService(NetRuntime rt, NetworkOptions options) {
        this.rt = rt;
        this.options = options;
        this.subnets = new SubnetAllocator(options.subnetBase());
    }

    public static NetworkService start(ProxyConfig config, NetEventSink sink, NetworkOptions options) {
        NetworkService s = new NetworkService(new NetRuntime(config, sink), options);
        s.status = options.transparent() ? s.probe() : new TransparentStatus(false, false, "not requested");
        if (options.transparent() && !s.status.available()) {
            LOG.log(Level.WARNING, "transparent network mode unavailable, sessions use the explicit proxy: "
                    + s.status.detail());
        }
        return s;
    }

    private TransparentStatus probe() {
        if (!Transports.epoll()) return new TransparentStatus(true, false, "native epoll transport unavailable");
        if (!"root".equals(ProcessHandle.current().info().user().orElse(""))) {
            return new TransparentStatus(true, false, "needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)");
        }
        List<String> swept = StaleSweeper.sweep();
        if (!swept.isEmpty()) LOG.log(Level.INFO, "removed stale network namespaces/veths: " + swept);
        try (SessionNetns probe = SessionNetns.create("probe", subnets, options.daemonNetns())) {
            probe.installRules(1, 2);
            SessionNetns.installGuard(options.daemonNetns());
        } catch (IOException | RuntimeException e) {
            return new TransparentStatus(true, false, e.getMessage());
        }
        return new TransparentStatus(true, true, "netns + veth + nftables redirect");
    }

    public NetRuntime runtime() { return rt; }

    public NetMetrics metrics() { return rt.metrics(); }

    public TransparentStatus transparentStatus() { return status; }

    /** Attaches a new session. Throws only when even the explicit proxy cannot listen. */
    public SessionNetwork openSession(String sessionId, NetworkPolicy policy) throws IOException {
        SessionContext ctx = new SessionContext(sessionId, policy,
                new DnsCorrelationCache(rt.config().dnsCacheMinTtl().toSeconds(), 4096));
        String reason = null;
        if (status.requested()) {
            if (status.available()) {
                try {
                    return transparent(ctx);
                } catch (IOException | RuntimeException e) {
                    reason = e.getMessage();
                }
            } else {
                reason = status.detail();
            }
            LOG.log(Level.WARNING, "session " + sessionId + ": transparent network setup failed, using the explicit proxy: "
                    + reason);
            NetEvents.emit(rt, "transparent_net_failed", sessionId, null, null, null, Map.of("error", String.valueOf(reason)));
        }
        ExplicitProxy explicit = ExplicitProxy.start(rt, ctx, options.proxyListen(), null);
        NetEvents.emit(rt, "net_proxy_started", sessionId, null, null, null, Map.of("proxy_url", explicit.url()));
        return new SessionNetwork(ctx, explicit, null, null, null, reason);
    }

    private SessionNetwork transparent(SessionContext ctx) throws IOException {
        SessionNetns ns = SessionNetns.create(ctx.sessionId(), subnets, options.daemonNetns());
        TransparentTcp tcp = null;
        DnsProxy dns = null;
        ExplicitProxy explicit = null;
        try {
            Set<InetAddress> daemonSide = Set.of(InetAddress.ofLiteral(ns.slot().hostV4()),
                    InetAddress.ofLiteral(ns.slot().hostV6()));
            tcp = TransparentTcp.start(rt, ctx, ns.path(), daemonSide);
            dns = DnsProxy.start(rt, ctx, new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0),
                    InetAddress.ofLiteral("::1"), ns.path());
            // Proxy-aware clients still get name-based decisions: a proxy on the namespace's own loopback.
            explicit = ExplicitProxy.start(rt, ctx, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ns.path());
            ns.installRules(tcp.port(), dns.address().getPort());
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("netns", ns.name());
            f.put("subnet", ns.slot().hostV4() + "/30");
            f.put("host_ip", ns.slot().hostV4());
            f.put("ns_ip", ns.slot().nsV4());
            f.put("proxy_port", tcp.port());
            f.put("dns_port", dns.address().getPort());
            NetEvents.emit(rt, "transparent_net_setup", ctx.sessionId(), null, null, null, f);
            NetEvents.emit(rt, "transparent_net_ready", ctx.sessionId(), null, null, null, Map.of());
            return new SessionNetwork(ctx, explicit, ns, tcp, dns, null);
        } catch (IOException | RuntimeException e) {
            if (explicit != null) explicit.close();
            if (dns != null) dns.close();
            if (tcp != null) tcp.close();
            ns.close();
            throw e;
        }
    }

    @Override
    public void close() {
        rt.close();
    }
}
