package io.agentsh.proxy.transparent;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.BitSet;

/**
 * Hands out one /30 per session from {@code sandbox.network.transparent.subnet_base} (default
 * 10.250.0.0/16: 16384 sessions): .1 on the daemon's end of the veth, .2 in the session. IPv6
 * gets the matching /64 of a fixed ULA prefix. Slots are reused after teardown, never shared.
 */
public final class SubnetAllocator {
    /** One session's addressing. */
    public record Slot(int index, String hostV4, String nsV4, String hostV6, String nsV6) {}

    private static final String V6_PREFIX = "fd61:6773:6800"; // "agsh" in a ULA /48

    private final int base;
    private final int slots;
    private final BitSet used = new BitSet();

    public SubnetAllocator(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("subnet_base must be a CIDR like 10.250.0.0/16: " + cidr);
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(cidr.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("subnet_base is not an IPv4 CIDR: " + cidr);
        }
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        if (!(a instanceof Inet4Address) || prefix < 8 || prefix > 29) {
            throw new IllegalArgumentException("subnet_base must be an IPv4 CIDR between /8 and /29: " + cidr);
        }
        byte[] b = a.getAddress();
        int v = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        this.base = v & mask;
        this.slots = Math.min(1 << (32 - prefix - 2), 0xFFFF);
    }

    public synchronized Slot allocate() {
        int i = used.nextClearBit(0);
        if (i >= slots) throw new IllegalStateException("transparent subnet exhausted (" + slots + " sessions)");
        used.set(i);
        int net = base + 4 * i;
        return new Slot(i, v4(net + 1), v4(net + 2),
                V6_PREFIX + ":" + Integer.toHexString(i) + "::1", V6_PREFIX + ":" + Integer.toHexString(i) + "::2");
    }

    public synchronized void release(Slot s) {
        used.clear(s.index());
    }

    private static String v4(int v) {
        return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }
}
