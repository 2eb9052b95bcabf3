package io.agentsh.proxy.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Memoises the answers of one compiled policy (one generation: a reload builds a new adapter and
 * with it an empty cache), so a kept-alive connection's every request does not walk the rules
 * again. Only pure questions are kept: the verdict for (name, port, one dialled address), and
 * the redirect rules for a name or name:port. Bounded: when full it starts over rather than
 * evicting one by one (the working set of a session is a handful of destinations).
 */
final class VerdictCache {
    static final int MAX_ENTRIES = 4096;

    private record CheckKey(String host, int port, InetAddress address) {}
    private record RedirectKey(String host, int port) {}
    /** Stands for "no redirect" (the maps cannot hold null). */
    private static final Object NONE = new Object();

    /** The uncached questions (held once, so a hit allocates nothing but its key). */
    interface Source {
        NetDecision check(String host, int port, List<InetAddress> dialled);

        ConnectRedirectTarget connectRedirect(String host, int port);

        DnsRedirect dnsRedirect(String name);
    }

    private final Source source;
    private final ConcurrentHashMap<CheckKey, NetDecision> checks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RedirectKey, Object> connectRedirects = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> dnsRedirects = new ConcurrentHashMap<>();

    VerdictCache(Source source) {
        this.source = source;
    }

    /**
     * The cached verdict, else {@code compute}'s (cached). Questions with several dialled
     * addresses (a DNS answer) and scoped IPv6 addresses (the scope is not part of
     * {@link InetAddress#equals} but shows in a rendered message) are not cached.
     */
    NetDecision check(String host, int port, List<InetAddress> dialled) {
        InetAddress a = null;
        if (dialled != null && !dialled.isEmpty()) {
            if (dialled.size() > 1) return source.check(host, port, dialled);
            a = dialled.get(0);
            if (a == null || (a instanceof Inet6Address v6 && v6.getScopeId() != 0)) return source.check(host, port, dialled);
        }
        CheckKey k = new CheckKey(host, port, a);
        NetDecision d = checks.get(k);
        if (d != null) return d;
        d = source.check(host, port, dialled);
        if (d != null) put(checks, k, d);
        return d;
    }

    ConnectRedirectTarget connectRedirect(String host, int port) {
        RedirectKey k = new RedirectKey(host, port);
        Object v = connectRedirects.get(k);
        if (v == null) {
            ConnectRedirectTarget t = source.connectRedirect(host, port);
            v = t == null ? NONE : t;
            put(connectRedirects, k, v);
        }
        return v == NONE ? null : (ConnectRedirectTarget) v;
    }

    DnsRedirect dnsRedirect(String name) {
        if (name == null) return source.dnsRedirect(null);
        Object v = dnsRedirects.get(name);
        if (v == null) {
            DnsRedirect r = source.dnsRedirect(name);
            v = r == null ? NONE : r;
            put(dnsRedirects, name, v);
        }
        return v == NONE ? null : (DnsRedirect) v;
    }

    private static <K, V> void put(ConcurrentHashMap<K, V> m, K k, V v) {
        if (m.size() >= MAX_ENTRIES) m.clear();
        m.put(k, v);
    }
}
