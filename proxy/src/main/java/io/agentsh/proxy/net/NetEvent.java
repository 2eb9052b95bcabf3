package io.agentsh.proxy.net;

import java.time.Instant;
import java.util.Map;

/**
 * One audit event from the network layer. Type names and field keys are the reference's
 * (reference §7.1): net_connect, net_close, dns_query, dns_redirect, transparent_net_*.
 * {@code policy} is null for events that carry no decision.
 */
public record NetEvent(Instant timestamp, String type, String sessionId, String domain, String remote,
                       NetDecision policy, Map<String, Object> fields) {
}
