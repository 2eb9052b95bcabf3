package io.agentsh.core.layers;

import io.agentsh.core.approval.ApprovalManager;
import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.proxy.net.NetDecision;
import io.agentsh.proxy.net.NetworkPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network layer's approval round trip over the daemon's ApprovalManager. */
class ApprovingNetworkPolicyTest {
    AuditLog audit;
    final List<Event> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        audit = new AuditLog(List.of(), 64, 8, 10, 0);
        audit.subscribe(events::add);
    }

    @AfterEach
    void tearDown() {
        audit.close();
    }

    static final NetDecision PENDING = new NetDecision(false, "approve", "approve", "approve-unknown-https",
            "needs a human", Duration.ofMillis(300), null);

    NetworkPolicy policy(ApprovalManager m) {
        return new ApprovingNetworkPolicy(() -> (h, p, d) -> PENDING, m, "sess-1", () -> "cmd-7");
    }

    @Test
    void perRuleTimeoutDeniesWithApprovalTimedOut() throws Exception {
        ApprovalManager m = new ApprovalManager(true, Duration.ofMinutes(5), audit);
        long t0 = System.nanoTime();
        NetDecision d = policy(m).approve("unknown.example:443", PENDING).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(d.allowed());
        assertEquals("deny", d.effectiveDecision());
        assertEquals("approval timed out", d.message());
        assertTrue(d.approvalId().startsWith("approval-"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "the rule's 300 ms, not approvals.timeout");
        Thread.sleep(100);
        assertTrue(events.stream().anyMatch(e -> e.type().equals("approval_requested")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.type().equals("approval_resolved")));
    }

    @Test
    void approverDecides() throws Exception {
        ApprovalManager m = new ApprovalManager(true, Duration.ofMinutes(5), audit);
        NetDecision slow = new NetDecision(false, "approve", "approve", "r", "", Duration.ofSeconds(30), null);
        var yes = policy(m).approve("a.test:443", slow).toCompletableFuture();
        while (m.list().isEmpty()) Thread.sleep(10);
        var req = m.list().get(0);
        assertEquals("network", req.kind());
        assertEquals("a.test:443", req.target());
        assertEquals("cmd-7", req.commandId());
        m.resolve(req.id(), true, "ok", "tester");
        NetDecision d = yes.get(5, TimeUnit.SECONDS);
        assertTrue(d.allowed());
        assertEquals(req.id(), d.approvalId());

        var no = policy(m).approve("b.test:443", slow).toCompletableFuture();
        while (m.list().isEmpty()) Thread.sleep(10);
        m.resolve(m.list().get(0).id(), false, "not today", "tester");
        NetDecision n = no.get(5, TimeUnit.SECONDS);
        assertFalse(n.allowed());
        assertEquals("approval denied: not today", n.message());
    }

    @Test
    void disabledApprovalsDenyAtOnce() throws Exception {
        ApprovalManager m = new ApprovalManager(false, Duration.ofMinutes(5), audit);
        NetDecision d = policy(m).approve("a.test:443", PENDING).toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertFalse(d.allowed());
    }
}
