package io.agentsh.proxy.net;

import io.agentsh.proxy.dns.DnsCorrelationCache;

import java.util.Objects;

/**
 * What the network layer knows about one session: its id (for events), its policy (replaced on
 * reload; every new connection reads the current one) and its IP→name cache.
 */
public final class SessionContext {
    private final String sessionId;
    private volatile NetworkPolicy policy;
    private final DnsCorrelationCache dnsCache;

    public SessionContext(String sessionId, NetworkPolicy policy, DnsCorrelationCache dnsCache) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.dnsCache = Objects.requireNonNull(dnsCache, "dnsCache");
    }

    public String sessionId() { return sessionId; }

    public NetworkPolicy policy() { return policy; }

    /** Policy reload: connections opened from now on are decided by {@code p}. */
    public void setPolicy(NetworkPolicy p) { this.policy = Objects.requireNonNull(p); }

    public DnsCorrelationCache dnsCache() { return dnsCache; }
}
