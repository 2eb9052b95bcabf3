package io.agentsh.proxy.net;

/** Read-only counters for /metrics. Monotonic since start. */
public interface NetMetrics {
    long connectionsAllowed();

    long connectionsDenied();

    long upstreamFailures();

    long bytesRelayed();

    long dnsQueries();

    long dnsRefused();

    /** Prometheus text exposition of the counters above. */
    default String prometheus() {
        StringBuilder sb = new StringBuilder(512);
        counter(sb, "agentsh_net_connections_total", "Proxied connection decisions.", "decision=\"allow\"", connectionsAllowed());
        sb.append("agentsh_net_connections_total{decision=\"deny\"} ").append(connectionsDenied()).append('\n');
        counter(sb, "agentsh_net_upstream_failures_total", "Allowed connections whose upstream dial failed.", null, upstreamFailures());
        counter(sb, "agentsh_net_relayed_bytes_total", "Bytes relayed through the proxy (both directions).", null, bytesRelayed());
        counter(sb, "agentsh_dns_queries_total", "DNS queries answered by the DNS proxy.", null, dnsQueries());
        counter(sb, "agentsh_dns_refused_total", "DNS queries refused by policy.", null, dnsRefused());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, String labels, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name);
        if (labels != null) sb.append('{').append(labels).append('}');
        sb.append(' ').append(v).append('\n');
    }
}
