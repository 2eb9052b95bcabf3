package io.agentsh.proxy.net;

/**
 * A policy verdict as the network layer needs it. {@code policyDecision} and
 * {@code effectiveDecision} use the wire names (allow, deny, approve, audit, ...); only
 * {@code allowed} drives enforcement, so an unknown decision must be built with allowed=false.
 */
public record NetDecision(boolean allowed, String policyDecision, String effectiveDecision,
                          String rule, String message) {

    /** The reference's name for "no rule matched"; DNS lookups are not refused for it (§2.1). */
    public static final String DEFAULT_DENY_RULE = "default-deny-network";
    public static final String DNS_MONITOR_ONLY_RULE = "dns-monitor-only";

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

    /**
     * DNS-only view of a verdict: a deny that only came from the default rule is recorded but
     * not enforced for lookups (the connect that follows is still checked).
     */
    public NetDecision forDnsLookup() {
        if (!allowed && DEFAULT_DENY_RULE.equals(rule)) {
            return new NetDecision(true, policyDecision, "allow", DNS_MONITOR_ONLY_RULE, message);
        }
        return this;
    }
}
