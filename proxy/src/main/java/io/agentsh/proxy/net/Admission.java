package io.agentsh.proxy.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.InetAddress;
import java.util.List;

/**
 * Decides one outbound connection the way every entry point needs it (explicit CONNECT, plain
 * HTTP, the transparent listener), in the reference's order: {@code connect_redirects} match
 * (connect_redirect event), the policy on the original destination (each candidate address on
 * its own), and, for an approve verdict, the approval round trip, whose answer comes back on the
 * connection's event loop (the loop never waits; the caller holds the connection's reads
 * meanwhile). {@link #dial} then connects to the redirect target or an allowed address.
 */
final class Admission {
    /** The final word: dial {@code redirect} if set, else one of {@code addresses}. */
    record Result(NetDecision decision, List<InetAddress> addresses, ConnectRedirectTarget redirect) {
        boolean permitted() {
            return decision.allowed() && (redirect != null || !addresses.isEmpty());
        }
    }

    interface Callback {
        void done(Result r);
    }

    interface DialCallback {
        /** {@code address} is null for a unix-socket target; {@code redirected} says whether the redirect was used. */
        void done(Channel channel, InetAddress address, boolean redirected, Throwable error);
    }

    private static final System.Logger LOG = System.getLogger("agentsh.net");
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Admission() {}

    /**
     * @param host       the name the client asked for (null: only the address is known)
     * @param candidates resolved addresses (may be empty only when the name did not resolve)
     * @param domain     for events (lower-case name, or the address)
     * @param remote     for events ("host:port"); the approver is shown host:port with the name when known
     */
    static void decide(NetRuntime rt, SessionContext s, EventLoop loop, String host, int port,
                       List<InetAddress> candidates, String domain, String remote, Callback cb) {
        NetworkPolicy policy = s.policy();
        String matchHost = host != null ? host : candidates.isEmpty() ? null : candidates.get(0).getHostAddress();
        ConnectRedirectTarget redirect = null;
        try {
            redirect = matchHost == null ? null : policy.connectRedirect(HostResolver.normaliseName(matchHost), port);
        } catch (RuntimeException e) {
            // a broken redirect lookup must not open anything: decide on the original destination alone
        }
        if (redirect != null) {
            NetEvents.connectRedirect(rt, s.sessionId(), domain, remote, redirect);
            if (redirect.rewritesSni() && WARNED.add(redirect.rule())) {
                LOG.log(System.Logger.Level.WARNING, "connect_redirects rule " + redirect.rule() + ": tls.mode rewrite_sni "
                        + "cannot be honoured without breaking the TLS handshake; the client's own SNI is passed through");
            }
        }
        NetDecision decision;
        List<InetAddress> allowed;
        List<InetAddress> approvable;
        if (candidates.isEmpty()) { // the name did not resolve: only a redirect can still take it somewhere
            decision = DestinationCheck.safeCheck(policy, host, port, List.of());
            allowed = List.of();
            approvable = List.of();
        } else {
            DestinationCheck check = DestinationCheck.run(policy, host, port, candidates);
            decision = check.decision();
            allowed = check.allowed();
            approvable = check.approvable();
        }
        ConnectRedirectTarget r = redirect;
        if (decision.needsApproval() && (r != null || !approvable.isEmpty())) {
            java.util.concurrent.CompletionStage<NetDecision> stage;
            try {
                // the approver sees the name when there is one (the transparent path's remote is ip:port)
                String target = host == null ? remote : (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
                stage = policy.approve(target, decision);
            } catch (RuntimeException e) {
                stage = java.util.concurrent.CompletableFuture.completedFuture(decision.refused(null, "approval failed: " + e.getMessage()));
            }
            stage.whenComplete((d, err) -> {
                NetDecision fin = d != null ? d : decision.refused(null, "approval failed: " + err);
                Result res = new Result(fin, fin.allowed() ? approvable : List.of(), r);
                if (loop.inEventLoop()) cb.done(res);
                else loop.execute(() -> cb.done(res));
            });
            return;
        }
        cb.done(new Result(decision, allowed, r));
    }

    /**
     * Connects for a permitted result on {@code loop}: the redirect target (unix socket, or
     * host:port resolved like any name the session asks for), falling back to the original
     * allowed addresses when the rule's on_failure says so; otherwise the allowed addresses.
     */
    static void dial(NetRuntime rt, SessionContext s, EventLoop loop, Result res, int port, String domain, String remote,
                     ChannelHandler init, DialCallback cb) {
        ConnectRedirectTarget r = res.redirect();
        if (r == null) {
            Dialer.dial(rt, loop, res.addresses(), port, init, (ch, a, e) -> cb.done(ch, a, false, e));
            return;
        }
        Dialer.Callback onRedirect = (ch, a, e) -> {
            if (ch != null || !r.fallsBack() || res.addresses().isEmpty()) {
                cb.done(ch, a, true, e);
                return;
            }
            NetEvents.connectRedirectFallback(rt, s.sessionId(), domain, remote, r, e == null ? null : e.getMessage());
            Dialer.dial(rt, loop, res.addresses(), port, init, (ch2, a2, e2) -> cb.done(ch2, a2, false, e2));
        };
        if (r.unix()) {
            dialUnix(loop, r.unixPath(), init, onRedirect);
            return;
        }
        HostResolver.resolve(rt, s, loop, r.host(), (addrs, err) -> {
            if (addrs.isEmpty()) {
                onRedirect.done(null, null, new java.io.IOException("cannot resolve redirect target " + r.host()
                        + (err == null ? "" : ": " + err)));
                return;
            }
            Dialer.dial(rt, loop, addrs, r.port(), init, onRedirect);
        });
    }

    private static void dialUnix(EventLoop loop, String path, ChannelHandler init, Dialer.Callback cb) {
        Class<? extends Channel> type = Transports.domainSocket();
        if (type == null) {
            cb.done(null, null, new java.io.IOException("unix-socket redirects need the native epoll transport"));
            return;
        }
        ChannelFuture f = new Bootstrap().group(loop).channel(type)
                .option(ChannelOption.AUTO_READ, false)
                .handler(init)
                .connect(new DomainSocketAddress(path));
        f.addListener((ChannelFuture cf) -> cb.done(cf.isSuccess() ? cf.channel() : null, null,
                cf.isSuccess() ? null : cf.cause()));
    }
}
