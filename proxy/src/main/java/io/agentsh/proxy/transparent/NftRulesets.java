package io.agentsh.proxy.transparent;

/**
 * The nftables rules of transparent mode, as text for {@code nft -f -}. Each starts by
 * replacing its table wholesale ("add; delete; define" in one transaction), so applying twice
 * never duplicates rules.
 */
public final class NftRulesets {
    public static final String SESSION_TABLE = "agentsh";
    public static final String GUARD_TABLE = "agentsh_guard";

    private NftRulesets() {}

    /**
     * Inside a session's namespace: every TCP connection that is not to the namespace's own
     * addresses goes to the transparent listener, every DNS query (UDP or TCP, any server, also
     * 127.0.0.53) to the DNS proxy; both listen on this namespace's loopback, where conntrack
     * keeps the original destination. Anything else that would leave (other UDP, ICMP, raw
     * sockets, IPv6 alike) is dropped.
     */
    public static String session(int tcpPort, int dnsPort) {
        return "add table inet " + SESSION_TABLE + "\n"
                + "delete table inet " + SESSION_TABLE + "\n"
                + "table inet " + SESSION_TABLE + " {\n"
                + "  chain nat_output {\n"
                + "    type nat hook output priority -100; policy accept;\n"
                + "    meta l4proto { tcp, udp } th dport 53 redirect to :" + dnsPort + "\n"
                + "    fib daddr type local return\n"
                + "    meta l4proto tcp redirect to :" + tcpPort + "\n"
                + "  }\n"
                + "  chain filter_output {\n"
                + "    type filter hook output priority 0; policy drop;\n"
                + "    oif \"lo\" accept\n"
                // redirected packets still carry the pre-NAT output device at this hook
                + "    ct status dnat accept\n"
                + "  }\n"
                + "  chain filter_input {\n"
                + "    type filter hook input priority 0; policy drop;\n"
                + "    iif \"lo\" accept\n"
                + "  }\n"
                + "}\n";
    }

    /**
     * In the daemon's namespace: nothing that arrives from a session's veth is delivered or
     * forwarded. Sessions never need that path (their traffic leaves through the proxy's
     * sockets), so even a session that flushed its own ruleset gets nowhere.
     */
    public static String guard(String vethGlob) {
        return "add table inet " + GUARD_TABLE + "\n"
                + "delete table inet " + GUARD_TABLE + "\n"
                + "table inet " + GUARD_TABLE + " {\n"
                + "  chain input {\n"
                + "    type filter hook input priority -5; policy accept;\n"
                + "    iifname \"" + vethGlob + "\" drop\n"
                + "  }\n"
                + "  chain forward {\n"
                + "    type filter hook forward priority -5; policy accept;\n"
                + "    iifname \"" + vethGlob + "\" drop\n"
                + "    oifname \"" + vethGlob + "\" drop\n"
                + "  }\n"
                + "}\n";
    }
}
