package io.agentsh.proxy.net;

import io.agentsh.policy.Engine;
import io.agentsh.policy.Verdict;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * {@link NetworkPolicy} over the policy engine (docs/interfaces.md §1). Only an effective allow
 * (allow, audit, soft_delete) lets a connection through; approve is refused here with the
 * rule's name (the daemon can wrap this class to run its approval flow first), and anything
 * unknown is refused: never fail open.
 */
public final class EngineNetworkPolicy implements NetworkPolicy {
    private static final System.Logger LOG = System.getLogger("agentsh.net");
    private final Engine engine;

    public EngineNetworkPolicy(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    @Override
    public NetDecision check(String host, int port, List<InetAddress> dialled) {
        Verdict v = engine.checkNetwork(host, port, dialled);
        return new NetDecision(v.isAllowed(), v.policyDecision().wireName(), v.effectiveDecision().wireName(),
                v.rule(), v.message());
    }

    @Override
    public DnsRedirect dnsRedirect(String name) {
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
}
