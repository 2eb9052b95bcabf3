package io.agentsh.core.approval;

import io.agentsh.core.api.ApiException;
import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.core.json.GoTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Parks operations whose effective decision is approve until an approver resolves them or their
 * timeout denies them. The waiting caller blocks (a virtual thread), nothing else does.
 */
public final class ApprovalManager {
    /** The reference allows at most this many pending approvals per session. */
    public static final int MAX_PENDING_PER_SESSION = 10;

    public record Resolution(ApprovalOutcome outcome, String reason, String approvalId) {}

    private record Pending(ApprovalRequest request, CompletableFuture<Resolution> done) {}

    private final boolean enabled;
    private final Duration defaultTimeout;
    private final AuditLog audit;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    public ApprovalManager(boolean enabled, Duration defaultTimeout, AuditLog audit) {
        this.enabled = enabled;
        this.defaultTimeout = defaultTimeout;
        this.audit = audit;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Blocks until resolved or timed out. {@code timeout} null means approvals.timeout. */
    public Resolution await(String sessionId, String commandId, String kind, String target, String rule,
                            String message, Map<String, Object> fields, Duration timeout) {
        Duration t = timeout != null && !timeout.isZero() && !timeout.isNegative() ? timeout : defaultTimeout;
        long mine = pending.values().stream().filter(p -> p.request().sessionId().equals(sessionId)).count();
        String id = "approval-" + UUID.randomUUID();
        if (mine >= MAX_PENDING_PER_SESSION) {
            return new Resolution(ApprovalOutcome.DENIED, "too many pending approvals for this session", id);
        }
        Instant now = Instant.now();
        ApprovalRequest req = new ApprovalRequest(id, now, now.plus(t), sessionId, commandId, kind, target, rule,
                message, fields);
        Pending p = new Pending(req, new CompletableFuture<>());
        pending.put(id, p);
        Event.Builder ev = Event.builder("approval_requested", sessionId).commandId(commandId)
                .field("approval_id", id).field("kind", kind).field("target", target).field("rule", rule)
                .field("message", message).field("expires_at", GoTime.format(req.expiresAt()));
        if (fields != null) fields.forEach(ev::field);
        audit.emit(ev.build());
        Resolution r;
        try {
            r = p.done().get(t.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            r = new Resolution(ApprovalOutcome.TIMED_OUT, "approval timeout", id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new Resolution(ApprovalOutcome.DENIED, "interrupted", id);
        } catch (ExecutionException e) {
            r = new Resolution(ApprovalOutcome.DENIED, String.valueOf(e.getCause()), id);
        } finally {
            pending.remove(id);
        }
        if (r.outcome() == ApprovalOutcome.TIMED_OUT) {
            Event.Builder resolved = Event.builder("approval_resolved", sessionId).commandId(commandId)
                    .field("approval_id", id).field("kind", kind).field("target", target).field("rule", rule)
                    .field("approved", false).field("reason", r.reason())
                    .field("resolved_at", GoTime.format(Instant.now()));
            audit.emit(resolved.build());
        }
        return r;
    }

    /** Pending, unexpired requests, oldest first. */
    public List<ApprovalRequest> list() {
        Instant now = Instant.now();
        List<ApprovalRequest> out = new ArrayList<>();
        for (Pending p : pending.values()) if (p.request().expiresAt().isAfter(now)) out.add(p.request());
        out.sort(Comparator.comparing(ApprovalRequest::createdAt));
        return out;
    }

    public ApprovalRequest find(String id) {
        Pending p = pending.get(id);
        return p == null ? null : p.request();
    }

    public int pendingCount() {
        return pending.size();
    }

    /** Resolves a pending request; 404 when unknown (or already resolved / timed out). */
    public void resolve(String id, boolean approve, String reason, String approver) {
        if (!enabled) throw new ApiException(404, "approvals not enabled");
        Pending p = pending.get(id);
        if (p == null) throw new ApiException(404, "approval not found");
        Resolution r = new Resolution(approve ? ApprovalOutcome.APPROVED : ApprovalOutcome.DENIED,
                reason == null ? "" : reason, id);
        if (!p.done().complete(r)) throw new ApiException(404, "approval not found");
        ApprovalRequest q = p.request();
        audit.emit(Event.builder("approval_resolved", q.sessionId()).commandId(q.commandId())
                .field("approval_id", id).field("kind", q.kind()).field("target", q.target()).field("rule", q.rule())
                .field("message", q.message()).field("approved", approve).field("reason", reason)
                .field("approver", approver).field("resolved_at", GoTime.format(Instant.now())).build());
    }
}
