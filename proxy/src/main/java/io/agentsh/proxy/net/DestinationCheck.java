package io.agentsh.proxy.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks each candidate address on its own and keeps the allowed ones, in resolver order: the
 * proxy then dials only those, so the address the policy saw is the address connected to (no
 * second lookup, no rebinding window). {@code decision} is the verdict of the first allowed
 * candidate, or of the first candidate when none is allowed.
 */
public record DestinationCheck(NetDecision decision, List<InetAddress> allowed) {

    public static DestinationCheck run(NetworkPolicy policy, String host, int port, List<InetAddress> candidates) {
        NetDecision first = null;
        List<InetAddress> ok = null;
        NetDecision firstAllowed = null;
        for (InetAddress a : candidates) {
            NetDecision d;
            try {
                d = policy.check(host, port, List.of(a));
            } catch (RuntimeException e) { // never fail open on a broken policy adapter
                d = NetDecision.deny("policy-error", "policy evaluation failed: " + e.getMessage());
            }
            if (d == null) d = NetDecision.deny("policy-error", "policy returned no decision");
            if (first == null) first = d;
            if (d.allowed()) {
                if (ok == null) {
                    ok = new ArrayList<>(candidates.size());
                    firstAllowed = d;
                }
                ok.add(a);
            }
        }
        if (first == null) {
            return new DestinationCheck(NetDecision.deny("no-address", "no address to connect to"), List.of());
        }
        return ok == null ? new DestinationCheck(first, List.of()) : new DestinationCheck(firstAllowed, ok);
    }

    public boolean permitted() {
        return !allowed.isEmpty();
    }
}
