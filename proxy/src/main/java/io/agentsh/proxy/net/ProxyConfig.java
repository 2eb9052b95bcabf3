package io.agentsh.proxy.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Settings of the network layer.
 *
 * @param upstreamDns    resolvers the proxy and the DNS proxy ask (the VM's /etc/resolv.conf by
 *                       default, see {@link io.agentsh.proxy.dns.ResolvConf}); never empty
 * @param threads        event-loop threads
 * @param dialTimeout    upstream TCP connect timeout
 * @param dnsTimeout     per-query upstream DNS timeout
 * @param threadFactory  null for ordinary threads; tests pass one that joins a private namespace
 * @param dnsCacheMinTtl floor for the IP→name cache of the transparent path (records with TTL 0
 *                       must survive until the client connects)
 */
public record ProxyConfig(List<InetSocketAddress> upstreamDns, int threads, Duration dialTimeout,
                          Duration dnsTimeout, ThreadFactory threadFactory, Duration dnsCacheMinTtl) {
    public ProxyConfig {
        Objects.requireNonNull(upstreamDns, "upstreamDns");
        if (upstreamDns.isEmpty()) throw new IllegalArgumentException("no upstream DNS resolver configured");
        upstreamDns = List.copyOf(upstreamDns);
        if (threads <= 0) threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        if (dialTimeout == null) dialTimeout = Duration.ofSeconds(20);
        if (dnsTimeout == null) dnsTimeout = Duration.ofSeconds(2);
        if (dnsCacheMinTtl == null) dnsCacheMinTtl = Duration.ofSeconds(30);
    }

    public static ProxyConfig of(List<InetSocketAddress> upstreamDns) {
        return new ProxyConfig(upstreamDns, 0, null, null, null, null);
    }

    public ProxyConfig withThreadFactory(ThreadFactory tf) {
        return new ProxyConfig(upstreamDns, threads, dialTimeout, dnsTimeout, tf, dnsCacheMinTtl);
    }

    public ProxyConfig withThreads(int n) {
        return new ProxyConfig(upstreamDns, n, dialTimeout, dnsTimeout, threadFactory, dnsCacheMinTtl);
    }
}
