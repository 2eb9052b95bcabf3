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
        Map<String, Object> f = new LinkedHashMap<>(4);
        if (method != null) f.put("method", method);
        f.put("resolved_ip", ip == null ? "" : ip.getHostAddress());
        emit(rt, "net_connect", session, domain, remote, d, f);
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
