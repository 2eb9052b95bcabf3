package io.agentsh.policy.internal;

import io.agentsh.policy.CommandRedirect;
import io.agentsh.policy.Decision;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.EnvFilter;
import io.agentsh.policy.Verdict;
import java.time.Duration;

/** Builds rule verdicts once at compile time: policy decision to effective decision (reference §3, fail closed). */
final class Verdicts {
    private Verdicts() {}

    static final String INVALID_DECISION_RULE = "invalid-policy-decision";

    static Decision effective(Decision d, EngineOptions o) {
        return switch (d) {
            case ALLOW, AUDIT, SOFT_DELETE -> Decision.ALLOW;
            case DENY -> Decision.DENY;
            case APPROVE -> o.approvalsEnabled() ? Decision.APPROVE
                    : o.approvalsWhenDisabledAllow() ? Decision.ALLOW : Decision.DENY;
            case REDIRECT -> Decision.REDIRECT;
            case ABSORB -> Decision.ABSORB;
        };
    }

    static Verdict rule(String decision, String name, String message, CommandRedirect redirect, Duration timeout,
                        String fileRedirectTo, boolean preserveTree, EnvFilter env, EngineOptions o) {
        Decision d = Decision.parse(decision);
        if (d == null || d == Decision.ABSORB) {
            // Never reached for loaded policies (the loader rejects unknown decisions); kept as the runtime fallback.
            return new Verdict(Decision.DENY, Decision.DENY, INVALID_DECISION_RULE, "invalid decision in policy",
                    null, null, null, false, env, null);
        }
        return new Verdict(d, effective(d, o), name, message, redirect, timeout, fileRedirectTo, preserveTree, env, null);
    }

    /** Rank for "stricter wins": effective decision first, then the policy decision. */
    static int rank(Verdict v) {
        return v.effectiveDecision().strictness() * 8 + v.policyDecision().strictness();
    }
}
