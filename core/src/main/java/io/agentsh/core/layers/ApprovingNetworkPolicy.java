package io.agentsh.core.layers;

import io.agentsh.core.approval.ApprovalManager;
import io.agentsh.proxy.net.ConnectRedirectTarget;
import io.agentsh.proxy.net.DnsRedirect;
import io.agentsh.proxy.net.NetDecision;
import io.agentsh.proxy.net.NetworkPolicy;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A session's network policy with the daemon's approval round trip: an approve verdict becomes an
 * {@code approval_requested} (kind {@code network}, target host:port) in the {@link ApprovalManager},
 * waited for on a virtual thread (the proxy's event loop never waits), with the rule's own
 * timeout or {@code approvals.timeout}. A timeout denies ("approval timed out", as
 * E_APPROVAL_TIMEOUT does for commands), so does a refusal; everything else is the inner policy.
 */
final class ApprovingNetworkPolicy implements NetworkPolicy {
    private final Supplier<NetworkPolicy> inner;
    private final ApprovalManager approvals;
    private final String sessionId;
    private final Supplier<String> commandId;

    /** {@code inner} is asked on every call: the session's current policy (reloads take effect at once). */
    ApprovingNetworkPolicy(Supplier<NetworkPolicy> inner, ApprovalManager approvals, String sessionId,
                           Supplier<String> commandId) {
        this.inner = inner;
        this.approvals = approvals;
        this.sessionId = sessionId;
        this.commandId = commandId;
    }

    @Override
    public NetDecision check(String host, int port, List<InetAddress> dialled) {
        return inner.get().check(host, port, dialled);
    }

    @Override
    public DnsRedirect dnsRedirect(String name) {
        return inner.get().dnsRedirect(name);
    }

    @Override
    public ConnectRedirectTarget connectRedirect(String host, int port) {
        return inner.get().connectRedirect(host, port);
    }

    @Override
    public boolean nameCanAllow(int port) {
        return inner.get().nameCanAllow(port);
    }

    @Override
    public CompletionStage<NetDecision> approve(String target, NetDecision pending) {
        if (approvals == null || !approvals.enabled()) {
            return CompletableFuture.completedFuture(pending.refused(null, "approvals are not enabled"));
        }
        CompletableFuture<NetDecision> done = new CompletableFuture<>();
        String cmd = commandId.get();
        Thread.ofVirtual().name("net-approval-" + sessionId).start(() -> {
            try {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("remote", target);
                ApprovalManager.Resolution r = approvals.await(sessionId, cmd, "network", target, pending.rule(),
                        pending.message(), fields, pending.approvalTimeout());
                done.complete(switch (r.outcome()) {
                    case APPROVED -> pending.approved(r.approvalId());
                    case TIMED_OUT -> pending.refused(r.approvalId(), "approval timed out");
                    case DENIED -> pending.refused(r.approvalId(),
                            r.reason() == null || r.reason().isBlank() ? "approval denied" : "approval denied: " + r.reason());
                });
            } catch (RuntimeException e) {
                done.complete(pending.refused(null, "approval failed: " + e.getMessage()));
            }
        });
        return done;
    }
}
