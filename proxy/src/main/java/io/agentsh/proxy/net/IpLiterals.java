package io.agentsh.proxy.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Turns whatever a client wrote as a host into the address that will really be dialled, when it
 * is an address at all: dotted decimal, the POSIX inet_aton forms (a single 32-bit number
 * {@code 2852039166}, hex {@code 0xA9FEA9FE}, octal parts {@code 0251.0376.0251.0376}, short
 * forms {@code 127.1}), bracketed IPv6, and IPv4-mapped IPv6 ({@code ::ffff:10.0.0.1} is
 * 10.0.0.1). Returns null for names. The policy must see these normalised addresses, because
 * that is what the socket connects to.
 */
public final class IpLiterals {
    private IpLiterals() {}

    public static InetAddress parse(String host) {
        if (host == null) return null;
        String h = host.strip();
        if (h.length() > 1 && h.charAt(0) == '[' && h.charAt(h.length() - 1) == ']') {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isEmpty()) return null;
        if (h.indexOf(':') >= 0) {
            if (h.indexOf('%') >= 0) return null; // zone ids are not dialled through the proxy
            try {
                return InetAddress.ofLiteral(h); // v4-mapped comes back as Inet4Address
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (!looksNumeric(h)) return null;
        try {
            return Inet4Address.ofPosixLiteral(h);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when {@code host} is any address form (so no DNS lookup and no dns_query event). */
    public static boolean isLiteral(String host) {
        return parse(host) != null;
    }

    private static boolean looksNumeric(String h) {
        if (h.isEmpty() || !Character.isDigit(h.charAt(0))) return false;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == 'x' || c == 'X' || c == '.';
            if (!ok) return false;
        }
        return true;
    }
}
