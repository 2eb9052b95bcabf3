package io.agentsh.core.api;

import io.agentsh.core.policy.CommandCheck;
import java.util.ArrayList;
import java.util.List;

/** Guidance for a redirected command (reference app.go addRedirectGuidance). */
final class Redirects {
    private Redirects() {}

    static ExecResponse.Guidance addGuidance(ExecResponse.Guidance g, CommandCheck check, ExecRequest rewritten) {
        String cmd = rewritten.command();
        if (rewritten.args() != null && !rewritten.args().isEmpty()) cmd += " " + String.join(" ", rewritten.args());
        String reason = check.message() != null && !check.message().isEmpty() ? check.message()
                : g.reason() == null ? "" : g.reason();
        List<ExecResponse.Suggestion> subs = new ArrayList<>();
        subs.add(new ExecResponse.Suggestion("redirected", cmd, reason));
        if (g.substitutions() != null) subs.addAll(g.substitutions());
        String rule = g.policyRule() != null ? g.policyRule() : check.rule();
        return new ExecResponse.Guidance(g.status(), g.blocked(), g.retryable(), g.reason(), rule, g.blockedOperation(),
                g.blockedTarget(), subs, g.suggestions());
    }
}
