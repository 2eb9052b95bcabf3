package io.agentsh.proxy.net;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.EventExecutor;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Shared by every session: event loops, one asynchronous resolver per loop (pointed only at
 * the configured upstream resolvers), counters and the event sink.
 */
public final class NetRuntime implements AutoCloseable {
    private final ProxyConfig config;
    private final EventLoopGroup group;
    private final NetCounters counters = new NetCounters();
    private final NetEventSink sink;
    private final ConcurrentHashMap<EventExecutor, DnsNameResolver> resolvers = new ConcurrentHashMap<>();

    public NetRuntime(ProxyConfig config, NetEventSink sink) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = sink == null ? NetEventSink.DISCARD : sink;
        this.group = Transports.group(config.threads(), config.threadFactory());
    }

    public ProxyConfig config() { return config; }

    public EventLoopGroup group() { return group; }

    public NetCounters counters() { return counters; }

    public NetMetrics metrics() { return counters; }

    public NetEventSink sink() { return sink; }

    /** The resolver bound to {@code loop}; created on first use, on that loop. */
    DnsNameResolver resolver(EventLoop loop) {
        return resolvers.computeIfAbsent(loop, l -> new DnsNameResolverBuilder(loop)
                .datagramChannelType(Transports.datagram())
                .socketChannelType(Transports.socket())
                .nameServerProvider(new SequentialDnsServerAddressStreamProvider(config.upstreamDns()))
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                .queryTimeoutMillis(config.dnsTimeout().toMillis())
                .maxQueriesPerResolve(4)
                .build());
    }

    @Override
    public void close() {
        resolvers.values().forEach(DnsNameResolver::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
