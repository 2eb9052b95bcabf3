package io.agentsh.proxy.testing;

import io.agentsh.proxy.net.ConnectRedirectTarget;
import io.agentsh.proxy.net.DnsRedirect;
import io.agentsh.proxy.net.NetDecision;
import io.agentsh.proxy.net.NetworkPolicy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A small first-match network policy for tests, shaped like the shipped default policy (the real
 * engine lives in the policy module): rules with domains (exact, "*.x", or a lone "*"), CIDRs
 * (matched against the dialled addresses only) and ports.
 */
public final class TestPolicy implements NetworkPolicy {
    record Rule(String name, Set<String> domains, List<String> cidrs, Set<Integer> ports, String decision) {
        Rule(String name, Set<String> domains, List<String> cidrs, Set<Integer> ports, boolean allow) {
            this(name, domains, cidrs, ports, allow ? "allow" : "deny");
        }
    }

    private final List<Rule> rules = new ArrayList<>();
    private final List<Object[]> redirects = new ArrayList<>();
    private final Map<String, ConnectRedirectTarget> connectRedirects = new ConcurrentHashMap<>();
    private volatile BiFunction<String, NetDecision, CompletionStage<NetDecision>> approver;

    /** A domain rule whose decision is approve (effective approve: approvals enabled). */
    public TestPolicy approveDomains(String name, Set<Integer> ports, String... domains) {
        rules.add(new Rule(name, Set.of(domains), List.of(), ports, "approve"));
        return this;
    }

    /** {@code hostPort} exactly as the policy sees it ("name:port" or "ip:port"). */
    public TestPolicy connectRedirect(String hostPort, ConnectRedirectTarget target) {
        connectRedirects.put(hostPort, target);
        return this;
    }

    /** Who answers approvals (target "host:port", pending verdict); none: the interface default refuses. */
    public TestPolicy approver(BiFunction<String, NetDecision, CompletionStage<NetDecision>> a) {
        this.approver = a;
        return this;
    }

    public TestPolicy allowCidr(String name, String... cidrs) {
        rules.add(new Rule(name, Set.of(), List.of(cidrs), Set.of(), true));
        return this;
    }

    public TestPolicy denyCidr(String name, String... cidrs) {
        rules.add(new Rule(name, Set.of(), List.of(cidrs), Set.of(), false));
        return this;
    }

    public TestPolicy allowDomains(String name, Set<Integer> ports, String... domains) {
        rules.add(new Rule(name, Set.of(domains), List.of(), ports, true));
        return this;
    }

    public TestPolicy denyDomains(String name, String... domains) {
        rules.add(new Rule(name, Set.of(domains), List.of(), Set.of(), false));
        return this;
    }

    public TestPolicy dnsRedirect(String name, String domain, String ip) throws Exception {
        redirects.add(new Object[] {name, domain, InetAddress.getByName(ip)});
        return this;
    }

    /** The policy most tests use: stand-ins on 127.0.0.2 allowed, private ranges denied, a few names allowed. */
    public static TestPolicy standard() {
        return new TestPolicy()
                .denyDomains("block-evil", "evil.com", "*.evil.com")
                .allowCidr("allow-standin", "127.0.0.2/32", "fd00:aaaa::2/128")
                .denyCidr("block-private-networks", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                        "169.254.0.0/16", "100.64.0.0/10", "::1/128", "fc00::/7", "fe80::/10")
                .allowDomains("allow-test-domains", Set.of(80, 443, 8080, 8443), "allowed.test", "rebind.test",
                        "v6.test", "public.test");
    }

    @Override
    public NetDecision check(String host, int port, List<InetAddress> dialled) {
        String h = host == null ? null : host.toLowerCase(Locale.ROOT);
        for (Rule r : rules) {
            if (!r.ports.isEmpty() && !r.ports.contains(port)) continue;
            if (!r.domains.isEmpty()) {
                if (h == null || r.domains.stream().noneMatch(d -> globMatch(d, h))) continue;
            }
            if (!r.cidrs.isEmpty()) {
                if (dialled.stream().noneMatch(a -> r.cidrs.stream().anyMatch(c -> inCidr(a, c)))) continue;
            }
            return switch (r.decision) {
                case "allow" -> NetDecision.allow(r.name);
                case "approve" -> new NetDecision(false, "approve", "approve", r.name, "needs approval",
                        java.time.Duration.ofSeconds(5), null);
                default -> NetDecision.deny(r.name, "denied by " + r.name);
            };
        }
        return NetDecision.deny(NetDecision.DEFAULT_DENY_RULE, "");
    }

    @Override
    public DnsRedirect dnsRedirect(String name) {
        for (Object[] r : redirects) {
            if (name.equals(r[1])) return new DnsRedirect((String) r[0], (InetAddress) r[2], "audit_only");
        }
        return null;
    }

    @Override
    public ConnectRedirectTarget connectRedirect(String host, int port) {
        return connectRedirects.get(host + ":" + port);
    }

    @Override
    public CompletionStage<NetDecision> approve(String target, NetDecision pending) {
        var a = approver;
        return a == null ? NetworkPolicy.super.approve(target, pending) : a.apply(target, pending);
    }

    private static boolean globMatch(String pattern, String host) {
        if (pattern.equals("*")) return true;
        if (pattern.startsWith("*.")) return host.endsWith(pattern.substring(1));
        return pattern.equals(host);
    }

    static boolean inCidr(InetAddress a, String cidr) {
        try {
            int slash = cidr.indexOf('/');
            InetAddress net = InetAddress.getByName(cidr.substring(0, slash));
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            byte[] x = a.getAddress();
            byte[] y = net.getAddress();
            if (x.length != y.length) return false;
            BigInteger mask = BigInteger.ONE.shiftLeft(x.length * 8).subtract(BigInteger.ONE)
                    .shiftRight(bits).not();
            return new BigInteger(1, x).and(mask).equals(new BigInteger(1, y).and(mask));
        } catch (Exception e) {
            return false;
        }
    }
}
