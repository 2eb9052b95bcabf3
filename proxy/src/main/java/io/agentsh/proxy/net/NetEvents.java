package io.agentsh.proxy.net;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the reference's network events (reference §7.1 names and keys). */
public final class NetEvents {
    private NetEvents() {}

    public static void netConnect(NetRuntime rt, String session, String domain, String remote, NetDecision d,
                                  String method, InetAddress ip) {
        netConnect(rt, session, domain, remote, d, method, ip, null);
    }

    /** net_connect with the reference's redirect keys when a connect_redirects rule applied. */
    public static void netConnect(NetRuntime rt, String session, String domain, String remote, NetDecision d,
                                  String method, InetAddress ip, ConnectRedirectTarget redirect) {
        Map<String, Object> f = new LinkedHashMap<>(8);
        if (method != null) f.put("method", method);
        f.put("resolved_ip", ip == null ? "" : ip.getHostAddress());
        if (redirect != null) {
            if (redirect.unix()) f.put("redirect_to_unix", redirect.unixPath());
            else f.put("redirect_to", redirect.redirectTo());
            f.put("redirect_tls", redirect.tlsMode());
            if (redirect.rewritesSni()) {
                f.put("redirect_sni", redirect.sni());
                f.put("sni_rewritten", false); // see ConnectRedirectTarget: the tunnel carries the client's own SNI
            }
        }
        emit(rt, "net_connect", session, domain, remote, d, f);
    }

    /** connect_redirect (reference §7.1): a connect_redirects rule matched; not emitted for visibility silent. */
    public static void connectRedirect(NetRuntime rt, String session, String domain, String remote,
                                       ConnectRedirectTarget r) {
        if (r.silent()) return;
        Map<String, Object> f = new LinkedHashMap<>(8);
        f.put("rule", r.rule());
        f.put("tls_mode", r.tlsMode());
        f.put("message", r.message());
        f.put("visibility", r.visibility());
        f.put("redirect_to", r.redirectTo());
        f.put("redirect_to_unix", r.unix() ? r.unixPath() : "");
        f.put("sni", r.rewritesSni() ? r.sni() : "");
        emit(rt, "connect_redirect", session, domain, remote, null, f);
    }

    /** connect_redirect_fallback: the redirect target could not be reached and on_failure sent us to the original. */
    public static void connectRedirectFallback(NetRuntime rt, String session, String domain, String remote,
                                               ConnectRedirectTarget r, String error) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put("rule", r.rule());
        f.put("on_failure", r.onFailure());
        f.put("redirect_to", r.unix() ? r.unixPath() : r.redirectTo());
        f.put("error", error == null ? "" : error);
        emit(rt, "connect_redirect_fallback", session, domain, remote, null, f);
    }

    public static void netClose(NetRuntime rt, String session, String domain, String remote, NetDecision d,
                                InetAddress ip, long sent, long received) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put("bytes_sent", sent);
        f.put("bytes_received", received);
        f.put("resolved_ip", ip == null ? "" : ip.getHostAddress());
        emit(rt, "net_close", session, domain, remote, d, f);
    }

    public static void dnsQuery(NetRuntime rt, String session, String domain, NetDecision d, List<InetAddress> ips,
                                String source, String error, String qtype) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        if (ips != null) {
            List<String> s = new ArrayList<>(ips.size());
            for (InetAddress a : ips) s.add(a.getHostAddress());
            f.put("ips", s);
        }
        if (source != null) f.put("source", source);
        if (qtype != null) f.put("qtype", qtype);
        if (error != null) f.put("error", error);
        emit(rt, "dns_query", session, domain, null, d, f);
    }

    public static void dnsRedirect(NetRuntime rt, String session, String domain, DnsRedirect r) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put("original_host", domain);
        f.put("resolved_to", r.resolveTo().getHostAddress());
        f.put("rule", r.rule());
        f.put("visibility", r.visibility());
        emit(rt, "dns_redirect", session, domain, null, null, f);
    }

    public static void emit(NetRuntime rt, String type, String session, String domain, String remote, NetDecision d,
                            Map<String, Object> fields) {
        try {
            rt.sink().emit(new NetEvent(Instant.now(), type, session, domain, remote, d, fields));
        } catch (RuntimeException ignored) {
            // a failing audit sink must not break the connection it describes
        }
    }

    static String lower(String host) {
        return host == null ? null : host.toLowerCase(java.util.Locale.ROOT);
    }
}
