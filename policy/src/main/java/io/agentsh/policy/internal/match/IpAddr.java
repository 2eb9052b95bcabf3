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
        long v = parse4(h);
        if (v < 0) return null;
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** IPv4 as an unsigned 32-bit value in a long, or -1 when not an IPv4 literal. */
    public static long parse4(String h) {
        if (h.isEmpty() || h.endsWith(".") && !h.equals(".")) {
            // a trailing dot is a fully-qualified name marker; "1.2.3.4." is still the address
            if (h.isEmpty()) return -1;
            h = h.substring(0, h.length() - 1);
            if (h.isEmpty() || h.endsWith(".")) return -1;
        }
        long[] parts = new long[4];
        int count = 0, start = 0;
        for (int i = 0; i <= h.length(); i++) {
            if (i == h.length() || h.charAt(i) == '.') {
                if (count == 4) return -1;
                long p = part(h, start, i);
                if (p < 0) return -1;
                parts[count++] = p;
                start = i + 1;
            }
        }
        long v;
        switch (count) {
            case 1 -> { if (parts[0] > 0xFFFFFFFFL) return -1; v = parts[0]; }
            case 2 -> { if (parts[0] > 0xFF || parts[1] > 0xFFFFFFL) return -1; v = parts[0] << 24 | parts[1]; }
            case 3 -> {
                if (parts[0] > 0xFF || parts[1] > 0xFF || parts[2] > 0xFFFF) return -1;
                v = parts[0] << 24 | parts[1] << 16 | parts[2];
            }
            case 4 -> {
                for (int k = 0; k < 4; k++) if (parts[k] > 0xFF) return -1;
                v = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
            }
            default -> { return -1; }
        }
        return v;
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
