package io.agentsh.policy.internal.match;

import java.util.ArrayList;
import java.util.List;

/** A set of CIDR blocks, IPv4 and IPv6, matched without allocation. IPv4-mapped IPv6 blocks fold to IPv4. */
public final class CidrSet {
    private final int[] v4net, v4mask;
    private final long[] v6hi, v6lo, v6hiMask, v6loMask;

    private CidrSet(List<long[]> v4, List<long[]> v6) {
        v4net = new int[v4.size()];
        v4mask = new int[v4.size()];
        for (int i = 0; i < v4.size(); i++) { v4net[i] = (int) v4.get(i)[0]; v4mask[i] = (int) v4.get(i)[1]; }
        v6hi = new long[v6.size()]; v6lo = new long[v6.size()]; v6hiMask = new long[v6.size()]; v6loMask = new long[v6.size()];
        for (int i = 0; i < v6.size(); i++) {
            long[] e = v6.get(i);
            v6hi[i] = e[0]; v6lo[i] = e[1]; v6hiMask[i] = e[2]; v6loMask[i] = e[3];
        }
    }

    public boolean isEmpty() { return v4net.length == 0 && v6hi.length == 0; }

    /** Validates one CIDR ({@code addr/len}); returns an error message or null. */
    public static String check(String cidr) {
        try { parse(cidr); return null; } catch (IllegalArgumentException e) { return e.getMessage(); }
    }

    private static Object[] parse(String cidr) {
        String c = cidr.trim();
        int slash = c.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("invalid CIDR address: " + cidr + " (expected address/prefix-length, e.g. 10.0.0.0/8)");
        String addr = c.substring(0, slash), len = c.substring(slash + 1);
        byte[] b;
        if (addr.indexOf(':') >= 0) {
            b = IpAddr.parse(addr);
            if (b != null && b.length == 4) {
                // IPv4-mapped block: the prefix length counts the 96 mapped bits
                int l = parseLen(len, 128, cidr);
                if (l < 96) throw new IllegalArgumentException("invalid CIDR address: " + cidr + " (IPv4-mapped prefix must be >= 96)");
                return new Object[] {b, l - 96};
            }
        } else {
            b = strictV4(addr);
        }
        if (b == null) throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        return new Object[] {b, parseLen(len, b.length * 8, cidr)};
    }

    private static int parseLen(String len, int max, String cidr) {
        int l;
        try {
            l = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr + " (bad prefix length)");
        }
        if (l < 0 || l > max || len.startsWith("+")) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr + " (prefix length must be 0.." + max + ")");
        }
        return l;
    }

    /** Dotted-quad decimal only, as Go's net.ParseCIDR requires. */
    private static byte[] strictV4(String a) {
        String[] p = a.split("\\.", -1);
        if (p.length != 4) return null;
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (p[i].isEmpty() || p[i].length() > 3 || (p[i].length() > 1 && p[i].charAt(0) == '0')) return null;
            for (char ch : p[i].toCharArray()) if (ch < '0' || ch > '9') return null;
            int v = Integer.parseInt(p[i]);
            if (v > 255) return null;
            b[i] = (byte) v;
        }
        return b;
    }

    public static CidrSet of(List<String> cidrs) {
        List<long[]> v4 = new ArrayList<>(), v6 = new ArrayList<>();
        for (String c : cidrs) {
            Object[] r = parse(c);
            byte[] b = (byte[]) r[0];
            int len = (Integer) r[1];
            if (b.length == 4) {
                int mask = len == 0 ? 0 : (int) (0xFFFFFFFFL << (32 - len));
                v4.add(new long[] {toInt(b) & mask, mask});
            } else {
                long hiMask = len == 0 ? 0 : len >= 64 ? -1L : -1L << (64 - len);
                long loMask = len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
                v6.add(new long[] {hi(b) & hiMask, lo(b) & loMask, hiMask, loMask});
            }
        }
        return new CidrSet(v4, v6);
    }

    static int toInt(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
    public static long toLong(byte[] b) { return toInt(b) & 0xFFFFFFFFL; }
    static long hi(byte[] b) { long v = 0; for (int i = 0; i < 8; i++) v = v << 8 | (b[i] & 0xff); return v; }
    static long lo(byte[] b) { long v = 0; for (int i = 8; i < 16; i++) v = v << 8 | (b[i] & 0xff); return v; }

    /** {@code addr}: 4 or 16 bytes (IPv4-mapped already folded). */
    public boolean contains(byte[] addr) {
        if (addr.length == 4) {
            int a = toInt(addr);
            for (int i = 0; i < v4net.length; i++) if ((a & v4mask[i]) == v4net[i]) return true;
            return false;
        }
        long h = hi(addr), l = lo(addr);
        for (int i = 0; i < v6hi.length; i++) {
            if ((h & v6hiMask[i]) == v6hi[i] && (l & v6loMask[i]) == v6lo[i]) return true;
        }
        return false;
    }

    public boolean containsV4(int a) {
        for (int i = 0; i < v4net.length; i++) if ((a & v4mask[i]) == v4net[i]) return true;
        return false;
    }
}
