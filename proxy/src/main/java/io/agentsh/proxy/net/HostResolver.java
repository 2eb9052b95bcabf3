package io.agentsh.proxy.net;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Resolves the host a client asked the explicit proxy for, once: address literals are
 * normalised without DNS, {@code dns_redirects} answer from the policy, names go to the
 * configured upstream through Netty's asynchronous resolver. Emits dns_query / dns_redirect.
 * The callback runs on {@code loop}.
 */
final class HostResolver {
    interface Callback {
        void resolved(List<InetAddress> addresses, String error);
    }

    private HostResolver() {}

    static void resolve(NetRuntime rt, SessionContext s, EventLoop loop, String host, Callback cb) {
        InetAddress literal = IpLiterals.parse(host);
        if (literal != null) {
            cb.resolved(List.of(literal), null);
            return;
        }
        String name = normaliseName(host);
        NetworkPolicy policy = s.policy();
        DnsRedirect redirect = policy.dnsRedirect(name);
        if (redirect != null) {
            if (!redirect.silent()) NetEvents.dnsRedirect(rt, s.sessionId(), name, redirect);
            cb.resolved(List.of(redirect.resolveTo()), null);
            return;
        }
        Future<List<InetAddress>> f = rt.resolver(loop).resolveAll(name);
        f.addListener(done -> {
            List<InetAddress> ips = done.isSuccess() ? f.getNow() : List.of();
            String err = done.isSuccess() ? null : describe(done.cause());
            NetDecision dnsDecision = safeCheck(policy, name, ips).forDnsLookup();
            NetEvents.dnsQuery(rt, s.sessionId(), name, dnsDecision, ips, "proxy", err, null);
            if (loop.inEventLoop()) cb.resolved(ips, err);
            else loop.execute(() -> cb.resolved(ips, err));
        });
    }

    static String normaliseName(String host) {
        String n = host.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static NetDecision safeCheck(NetworkPolicy p, String name, List<InetAddress> ips) {
        try {
            NetDecision d = p.check(name, 53, ips);
            return d == null ? NetDecision.deny("policy-error", "policy returned no decision") : d;
        } catch (RuntimeException e) {
            return NetDecision.deny("policy-error", e.getMessage());
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
