package io.agentsh.core.policy;

import java.time.Duration;
import java.util.List;

/**
 * What the daemon needs from a policy verdict on a command, in wire terms: decision names are the
 * lower-case strings of the API ("allow", "deny", "approve", "redirect", ...). Built from the policy
 * module's Verdict in one place (EnginePolicy), so the exec pipeline does not depend on its shape.
 *
 * @param message       the rule's message with templates rendered for this command ("" if none)
 * @param redirectArgs  the redirect target's args (null when there is no redirect)
 * @param approvalTimeout the rule's own approval timeout, or null to use approvals.timeout
 * @param env           the environment builder for this command (its rule may override env_policy)
 */
public record CommandCheck(String policyDecision, String effectiveDecision, String rule, String message,
                           String redirectCommand, List<String> redirectArgs, Duration approvalTimeout,
                           ChildEnv env) {
    public boolean isDeny() { return "deny".equals(effectiveDecision); }

    public boolean isApprove() { return "approve".equals(effectiveDecision); }

    public boolean isRedirect() { return "redirect".equals(effectiveDecision) && redirectCommand != null; }
}
