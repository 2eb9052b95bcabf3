package io.agentsh.proxy.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks each candidate address on its own and keeps the allowed ones, in resolver order: the
 * proxy then dials only those, so the address the policy saw is the address connected to (no
 * second lookup, no rebinding window). {@code decision} is the verdict of the first allowed
 * candidate, else of the first candidate that needs approval, else of the first candidate.
 * {@code approvable} holds the candidates an approver could let through (when none is allowed).
 */
public record DestinationCheck(NetDecision decision, List<InetAddress> allowed, List<InetAddress> approvable) {

    public static DestinationCheck run(NetworkPolicy policy, String host, int port, List<InetAddress> candidates) {
        if (candidates.size() == 1) { // the kept-alive upstream's address: no list building
            NetDecision d = safeCheck(policy, host, port, candidates);
            if (d.allowed()) return new DestinationCheck(d, List.copyOf(candidates), List.of());
            if (d.needsApproval()) return new DestinationCheck(d, List.of(), List.copyOf(candidates));
            return new DestinationCheck(d, List.of(), List.of());
        }
        NetDecision first = null;
        List<InetAddress> ok = null;
        NetDecision firstAllowed = null;
        List<InetAddress> maybe = null;
        NetDecision firstApprovable = null;
        for (InetAddress a : candidates) {
            NetDecision d = safeCheck(policy, host, port, List.of(a));
            if (first == null) first = d;
            if (d.allowed()) {
                if (ok == null) {
                    ok = new ArrayList<>(candidates.size());
                    firstAllowed = d;
                }
                ok.add(a);
            } else if (d.needsApproval()) {
                if (maybe == null) {
                    maybe = new ArrayList<>(candidates.size());
                    firstApprovable = d;
                }
                maybe.add(a);
            }
        }
        if (first == null) {
            return new DestinationCheck(NetDecision.deny("no-address", "no address to connect to"), List.of(), List.of());
        }
        if (ok != null) return new DestinationCheck(firstAllowed, ok, List.of());
        if (maybe != null) return new DestinationCheck(firstApprovable, List.of(), maybe);
        return new DestinationCheck(first, List.of(), List.of());
    }

    /** One policy question, never failing open on a broken adapter. */
    static NetDecision safeCheck(NetworkPolicy policy, String host, int port, List<InetAddress> dialled) {
        NetDecision d;
        try {
            d = policy.check(host, port, dialled);
        } catch (RuntimeException e) {
            d = NetDecision.deny("policy-error", "policy evaluation failed: " + e.getMessage());
        }
        return d == null ? NetDecision.deny("policy-error", "policy returned no decision") : d;
    }

    public boolean permitted() {
        return !allowed.isEmpty();
    }

    public boolean needsApproval() {
        return allowed.isEmpty() && !approvable.isEmpty();
    }
}
