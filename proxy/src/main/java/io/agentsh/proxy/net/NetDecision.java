package io.agentsh.proxy.net;

import java.time.Duration;

/**
 * A policy verdict as the network layer needs it. {@code policyDecision} and
 * {@code effectiveDecision} use the wire names (allow, deny, approve, audit, ...); only
 * {@code allowed} drives enforcement, so an unknown decision must be built with allowed=false.
 *
 * @param approvalTimeout the rule's own approval timeout (null: the daemon's default)
 * @param approvalId      set once an approval was asked for (approved, denied or timed out)
 */
public record NetDecision(boolean allowed, String policyDecision, String effectiveDecision,
                          String rule, String message, Duration approvalTimeout, String approvalId) {

    /** The reference's name for "no rule matched"; DNS lookups are not refused for it (§2.1). */
    public static final String DEFAULT_DENY_RULE = "default-deny-network";
    public static final String DNS_MONITOR_ONLY_RULE = "dns-monitor-only";

    public NetDecision(boolean allowed, String policyDecision, String effectiveDecision, String rule, String message) {
        this(allowed, policyDecision, effectiveDecision, rule, message, null, null);
    }

    public static NetDecision allow(String rule) {
        return new NetDecision(true, "allow", "allow", rule, "");
    }

    public static NetDecision deny(String rule, String message) {
        return new NetDecision(false, "deny", "deny", rule, message == null ? "" : message);
    }

    /** The rule name for messages; never null. */
    public String ruleOrUnknown() {
        return rule == null || rule.isEmpty() ? "unknown" : rule;
    }

    /** Not allowed yet, but a person may allow it: effective decision approve. */
    public boolean needsApproval() {
        return !allowed && "approve".equals(effectiveDecision);
    }

    /** This verdict after an approver said yes. */
    public NetDecision approved(String id) {
        return new NetDecision(true, policyDecision, "allow", rule, message, approvalTimeout, id);
    }

    /** This verdict after an approver said no or the wait timed out ({@code reason} replaces the message). */
    public NetDecision refused(String id, String reason) {
        return new NetDecision(false, policyDecision, "deny", rule, reason == null ? message : reason, approvalTimeout, id);
    }

    /** Whether the deny came from the catch-all (no rule matched), not from a rule that named the destination. */
    public boolean defaultDeny() {
        return !allowed && DEFAULT_DENY_RULE.equals(rule);
    }

    /**
     * DNS-only view of a verdict: a deny that only came from the default rule is recorded but
     * not enforced for lookups (the connect that follows is still checked). Neither is an approve:
     * the approver is asked once, for the connection, not for its lookup (refusing the lookup
     * would leave the approval rule unreachable in transparent mode).
     */
    public NetDecision forDnsLookup() {
        if (!allowed && DEFAULT_DENY_RULE.equals(rule)) {
            return new NetDecision(true, policyDecision, "allow", DNS_MONITOR_ONLY_RULE, message, approvalTimeout, approvalId);
        }
        if (needsApproval()) {
            return new NetDecision(true, policyDecision, "allow", rule, message, approvalTimeout, approvalId);
        }
        return this;
    }
}
