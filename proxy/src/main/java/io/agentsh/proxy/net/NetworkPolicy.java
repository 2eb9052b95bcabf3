package io.agentsh.proxy.net;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The network layer's questions to the policy engine. The daemon adapts it from
 * {@code Engine.checkNetwork(host, port, dialled)} (docs/interfaces.md §1); keeping our own
 * seam lets the proxy be built and tested without the engine.
 *
 * <p>{@code host} is the name the client asked for (null when it only gave an address, or when
 * a transparent connection's address has no name in the DNS cache); {@code dialled} holds the
 * exact addresses the proxy is about to connect to, already normalised (never a decimal/hex/
 * octal or v4-mapped form). Must not block: it runs on an event loop.
 */
@FunctionalInterface
public interface NetworkPolicy {
    NetDecision check(String host, int port, List<InetAddress> dialled);

    /** The policy's {@code dns_redirects} match for {@code name} (lower-case, no trailing dot), or null. */
    default DnsRedirect dnsRedirect(String name) {
        return null;
    }

    /** The policy's {@code connect_redirects} match for {@code host:port} (host lower-case, or an IP), or null. */
    default ConnectRedirectTarget connectRedirect(String host, int port) {
        return null;
    }

    /**
     * Runs the approval round trip for a verdict that {@link NetDecision#needsApproval() needs one};
     * {@code target} is "host:port" as the approver should see it. Must not block the caller: the
     * stage completes later (on any thread) with {@link NetDecision#approved} or
     * {@link NetDecision#refused} (timeout: refused with reason "approval timed out"). Default: no
     * approver, refused at once (never fail open).
     */
    default CompletionStage<NetDecision> approve(String target, NetDecision pending) {
        return CompletableFuture.completedFuture(pending.refused(null, "no approver for network connections"));
    }

    /**
     * Whether a rule that names domains could let a connection to {@code port} through (allow,
     * audit, approve): the transparent listener only waits for a Host header / TLS SNI when a
     * name could change the answer. Default: assume it could.
     */
    default boolean nameCanAllow(int port) {
        return true;
    }
}
