package io.agentsh.proxy.net;

import io.agentsh.policy.Engine;
import io.agentsh.policy.TemplateContext;
import io.agentsh.policy.Verdict;
import io.agentsh.policy.model.NetworkRule;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * {@link NetworkPolicy} over the policy engine (docs/interfaces.md §1). Only an effective allow
 * (allow, audit, soft_delete) lets a connection through; approve needs the approval round trip,
 * which this class does not have (refused with the rule's name; the daemon wraps it with one), and
 * anything unknown is refused: never fail open.
 */
public final class EngineNetworkPolicy implements NetworkPolicy {
    private static final System.Logger LOG = System.getLogger("agentsh.net");
    private final Engine engine;
    /** Ports at which some non-deny rule names domains; null = any port. */
    private final int[] namedPorts;
    private final boolean namedAnyPort;
    private final boolean namedNone;
    /** Answers of this engine (this policy generation) already given. */
    private final VerdictCache cache = new VerdictCache(new VerdictCache.Source() {
        @Override public NetDecision check(String host, int port, List<InetAddress> dialled) {
            return evaluate(host, port, dialled);
        }

        @Override public ConnectRedirectTarget connectRedirect(String host, int port) {
            return lookupConnectRedirect(host, port);
        }

        @Override public DnsRedirect dnsRedirect(String name) {
            return lookupDnsRedirect(name);
        }
    });

    public EngineNetworkPolicy(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        boolean any = false, none = true;
        java.util.TreeSet<Integer> ports = new java.util.TreeSet<>();
        for (NetworkRule r : engine.policy().networkRules()) {
            if (r.domains() == null || r.domains().isEmpty() || "deny".equals(r.decision())) continue;
            none = false;
            if (r.ports() == null || r.ports().isEmpty()) any = true;
            else ports.addAll(r.ports());
        }
        this.namedAnyPort = any;
        this.namedNone = none;
        this.namedPorts = ports.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public NetDecision check(String host, int port, List<InetAddress> dialled) {
        return cache.check(host, port, dialled);
    }

    private NetDecision evaluate(String host, int port, List<InetAddress> dialled) {
        Verdict v = engine.checkNetwork(host, port, dialled);
        String message = v.message();
        if (message != null && message.contains("{{")) {
            String remote = dialled == null || dialled.isEmpty() ? (host == null ? "" : host) : dialled.get(0).getHostAddress();
            message = v.renderMessage(TemplateContext.forNetwork(host == null ? remote : host, remote, port));
        }
        return new NetDecision(v.isAllowed(), v.policyDecision().wireName(), v.effectiveDecision().wireName(),
                v.rule(), message, v.approvalTimeout(), null);
    }

    @Override
    public boolean nameCanAllow(int port) {
        if (namedNone) return false;
        if (namedAnyPort) return true;
        return java.util.Arrays.binarySearch(namedPorts, port) >= 0;
    }

    @Override
    public DnsRedirect dnsRedirect(String name) {
        return cache.dnsRedirect(name);
    }

    private DnsRedirect lookupDnsRedirect(String name) {
        return engine.dnsRedirect(name).map(r -> {
            try {
                return new DnsRedirect(r.name(), InetAddress.ofLiteral(r.resolveTo()), r.visibility());
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "dns_redirects rule " + r.name() + ": resolve_to "
                        + r.resolveTo() + " is not an IP address; ignored");
                return null;
            }
        }).orElse(null);
    }

    @Override
    public ConnectRedirectTarget connectRedirect(String host, int port) {
        return cache.connectRedirect(host, port);
    }

    private ConnectRedirectTarget lookupConnectRedirect(String host, int port) {
        return engine.connectRedirect(host, port).map(r -> {
            ConnectRedirectTarget t = ConnectRedirectTarget.of(r.name(), r.redirectTo(), r.redirectToUnix(), r.tlsMode(),
                    r.sni(), r.visibility(), r.message(), r.onFailure());
            if (t == null) {
                LOG.log(System.Logger.Level.WARNING, "connect_redirects rule " + r.name() + ": redirect_to "
                        + r.redirectTo() + " is not host:port; ignored");
            }
            return t;
        }).orElse(null);
    }
}
