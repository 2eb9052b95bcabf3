package io.agentsh.proxy.dns;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which name a session's lookup returned an address for, so a transparent connection to that
 * address can be checked against domain rules. One per session (one session's lookups never
 * vouch for another's connections); entries live as long as the record's TTL, with a floor so
 * TTL-0 answers survive until the client connects; bounded in size (oldest evicted first).
 */
public final class DnsCorrelationCache {
    private record Slot(String name, long expiresAtNanos) {}

    private final long minTtlNanos;
    private final int capacity;
    private final LinkedHashMap<InetAddress, Slot> map;

    public DnsCorrelationCache(long minTtlSeconds, int capacity) {
        this.minTtlNanos = minTtlSeconds * 1_000_000_000L;
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Slot> eldest) {
                return size() > DnsCorrelationCache.this.capacity;
            }
        };
    }

    /** Records that {@code name} resolved to {@code address} with the given TTL. Last lookup wins. */
    public synchronized void record(String name, InetAddress address, long ttlSeconds) {
        long ttl = Math.max(ttlSeconds * 1_000_000_000L, minTtlNanos);
        map.remove(address); // re-insert so eviction order follows recency
        map.put(address, new Slot(name, System.nanoTime() + ttl));
    }

    /** The name last resolved to {@code address} and still within its TTL, or null. */
    public synchronized String nameFor(InetAddress address) {
        Slot e = map.get(address);
        if (e == null) return null;
        if (System.nanoTime() - e.expiresAtNanos > 0) {
            map.remove(address);
            return null;
        }
        return e.name;
    }

    public synchronized int size() {
        return map.size();
    }
}
