package io.agentsh.proxy.transparent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Reads where a redirected TCP connection was originally going: the conntrack entry of the
 * namespace the socket lives in knows it (SO_ORIGINAL_DST for IPv4, IP6T_SO_ORIGINAL_DST for
 * IPv6). Works only for sockets in the same namespace as the NAT rule, which is why the
 * transparent listeners are created inside each session's namespace.
 */
public final class OriginalDestination {
    private OriginalDestination() {}

    /**
     * @param fd   the accepted socket
     * @param ipv6 true when the connection is IPv6 (not v4-mapped)
     */
    public static InetSocketAddress of(int fd, boolean ipv6) throws IOException {
        if (!ipv6) {
            byte[] sa = LinuxNative.getsockopt(fd, LinuxNative.SOL_IP, LinuxNative.SO_ORIGINAL_DST, 16);
            if (sa.length < 8) throw new IOException("short sockaddr_in from SO_ORIGINAL_DST");
            int port = ((sa[2] & 0xff) << 8) | (sa[3] & 0xff);
            return new InetSocketAddress(addr(Arrays.copyOfRange(sa, 4, 8)), port);
        }
        byte[] sa = LinuxNative.getsockopt(fd, LinuxNative.SOL_IPV6, LinuxNative.IP6T_SO_ORIGINAL_DST, 28);
        if (sa.length < 24) throw new IOException("short sockaddr_in6 from IP6T_SO_ORIGINAL_DST");
        int port = ((sa[2] & 0xff) << 8) | (sa[3] & 0xff);
        return new InetSocketAddress(addr(Arrays.copyOfRange(sa, 8, 24)), port);
    }

    private static InetAddress addr(byte[] raw) throws UnknownHostException {
        return InetAddress.getByAddress(raw); // v4-mapped v6 comes back as Inet4Address
    }
}
