package io.agentsh.proxy.net;

import java.net.InetAddress;
import java.util.List;

/**
 * The network layer's one question to the policy engine. The daemon adapts it from
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
}
