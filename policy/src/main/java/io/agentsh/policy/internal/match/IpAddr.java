package io.agentsh.policy.internal.match;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * IP literal parsing without any name resolution. IPv4 accepts every inet_aton spelling: dotted
 * ({@code 169.254.169.254}), short ({@code 127.1}, {@code 10.1.2}), decimal ({@code 2852039166}),
 * octal parts ({@code 0251.0376.0251.0376}) and hex ({@code 0xA9FEA9FE}, {@code 0xa9.0xfe.0xa9.0xfe}).
 * IPv6 (optionally in brackets, zone dropped) via the JDK's literal parser; IPv4-mapped IPv6
 * ({@code ::ffff:a.b.c.d}) is returned as the IPv4 address.
 */
public final class IpAddr {
    private IpAddr() {}

    /** 4 or 16 bytes, or null when {@code host} is not an IP literal. */
    public static byte[] parse(String host) {
        if (host == null || host.isEmpty()) return null;
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.indexOf(':') >= 0) return parse6(h);
        if (h.length() > 1 && h.endsWith(".") && h.charAt(h.length() - 2) == '.') return null;
        long v = parse4(h);
        if (v < 0) return null;
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** IPv4 as an unsigned 32-bit value in a long, or -1 when not an IPv4 literal. Allocates nothing. */
    public static long parse4(String h) {
        int len = h.length();
        if (len > 1 && h.charAt(len - 1) == '.') len--; // "1.2.3.4." (fully qualified) is still the address
        if (len == 0 || h.charAt(0) < '0' || h.charAt(0) > '9') return -1;
        long p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        int count = 0, start = 0;
        for (int i = 0; i <= len; i++) {
            if (i == len || h.charAt(i) == '.') {
                if (count == 4) return -1;
                long p = part(h, start, i);
                if (p < 0) return -1;
                switch (count++) {
                    case 0 -> p0 = p;
                    case 1 -> p1 = p;
                    case 2 -> p2 = p;
                    default -> p3 = p;
                }
                start = i + 1;
            }
        }
        return switch (count) {
            case 1 -> p0 > 0xFFFFFFFFL ? -1 : p0;
            case 2 -> p0 > 0xFF || p1 > 0xFFFFFFL ? -1 : p0 << 24 | p1;
            case 3 -> p0 > 0xFF || p1 > 0xFF || p2 > 0xFFFF ? -1 : p0 << 24 | p1 << 16 | p2;
            case 4 -> p0 > 0xFF || p1 > 0xFF || p2 > 0xFF || p3 > 0xFF ? -1 : p0 << 24 | p1 << 16 | p2 << 8 | p3;
            default -> -1;
        };
    }

    private static long part(String h, int from, int to) {
        if (from >= to) return -1;
        int radix = 10;
        if (to - from > 2 && h.charAt(from) == '0' && (h.charAt(from + 1) == 'x' || h.charAt(from + 1) == 'X')) {
            radix = 16;
            from += 2;
        } else if (to - from == 2 && h.charAt(from) == '0' && (h.charAt(from + 1) == 'x' || h.charAt(from + 1) == 'X')) {
            return 0; // "0x" alone is 0 in inet_aton
        } else if (to - from > 1 && h.charAt(from) == '0') {
            radix = 8;
            from += 1;
        }
        if (to - from > 12) return -1;
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(h.charAt(i), radix);
            if (d < 0) return -1;
            v = v * radix + d;
        }
        return v;
    }

    private static byte[] parse6(String h) {
        int pct = h.indexOf('%');
        if (pct >= 0) h = h.substring(0, pct);
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) return null;
        }
        try {
            InetAddress a = Inet6Address.ofLiteral(h);
            byte[] b = a.getAddress();
            if (b.length == 16 && isV4Mapped(b)) return new byte[] {b[12], b[13], b[14], b[15]};
            return b;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Bytes of an address with IPv4-mapped IPv6 folded to IPv4. */
    public static byte[] normalise(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16 && isV4Mapped(b)) return new byte[] {b[12], b[13], b[14], b[15]};
        return b;
    }

    /** Canonical text: dotted quad or compressed IPv6. */
    public static String format(byte[] b) {
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
