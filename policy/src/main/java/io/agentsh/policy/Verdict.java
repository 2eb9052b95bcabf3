package io.agentsh.policy;

import java.time.Duration;

/**
 * The engine's answer for one operation. Verdicts of rules are built once at compile time and
 * shared; only the few derived answers (unwrapped commands, protected paths) are made per call.
 *
 * @param policyDecision    what the rule said
 * @param effectiveDecision what is enforced (approve with approvals disabled: deny, unless
 *                          {@code approvals.when_disabled: allow}; audit and soft_delete: allow
 *                          plus their side effect)
 * @param rule              rule name, or a built-in name such as {@code default-deny-files}
 * @param message           the rule's message template, unrendered ("" when none)
 * @param redirect          command redirect, or null
 * @param approvalTimeout   the rule's {@code timeout}, or null (use {@code approvals.timeout})
 * @param fileRedirectTo    a file rule's {@code redirect_to} directory, or null
 * @param preserveTree      a file rule's {@code preserve_tree}
 * @param env               the env policy that applies to a command this verdict lets run, or null
 *                          (non-command verdicts)
 * @param unwrappedFrom     the wrapper a command was unwrapped from ({@code sudo} in {@code env sudo x}), or null
 */
public record Verdict(Decision policyDecision, Decision effectiveDecision, String rule, String message,
                      CommandRedirect redirect, Duration approvalTimeout, String fileRedirectTo,
                      boolean preserveTree, EnvFilter env, String unwrappedFrom) {

    public Verdict {
        if (policyDecision == null || effectiveDecision == null || rule == null) {
            throw new IllegalArgumentException("policyDecision, effectiveDecision and rule are required");
        }
        if (message == null) message = "";
    }

    /** A verdict without redirect, timeout or env (built-in defaults and derived denials). */
    public static Verdict simple(Decision policy, Decision effective, String rule, String message) {
        return new Verdict(policy, effective, rule, message, null, null, null, false, null, null);
    }

    public boolean isAllowed() {
        return effectiveDecision == Decision.ALLOW || effectiveDecision == Decision.AUDIT
                || effectiveDecision == Decision.SOFT_DELETE;
    }

    public boolean isDenied() { return effectiveDecision == Decision.DENY; }

    /** True when the operation must wait for a human (approve with approvals enabled). */
    public boolean needsApproval() { return effectiveDecision == Decision.APPROVE; }

    /** The message with its placeholders filled in; call only when the text is needed. */
    public String renderMessage(TemplateContext ctx) {
        return ctx == null ? message : ctx.render(message);
    }

    /** Where a file redirect sends {@code originalPath}: {@code redirect_to + path} with preserve_tree, else {@code + basename}. */
    public String fileRedirectPath(String originalPath) {
        if (fileRedirectTo == null) return null;
        String dir = fileRedirectTo.endsWith("/") ? fileRedirectTo.substring(0, fileRedirectTo.length() - 1) : fileRedirectTo;
        if (preserveTree) return dir + (originalPath.startsWith("/") ? originalPath : "/" + originalPath);
        int slash = originalPath.lastIndexOf('/');
        return dir + "/" + originalPath.substring(slash + 1);
    }

    /** The same verdict, marked as found by unwrapping {@code wrapper}. */
    public Verdict withUnwrappedFrom(String wrapper) {
        return new Verdict(policyDecision, effectiveDecision, rule, message, redirect, approvalTimeout,
                fileRedirectTo, preserveTree, env, wrapper);
    }
}
