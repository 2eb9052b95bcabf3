package io.agentsh.core.api;

import io.agentsh.core.approval.ApprovalManager;
import io.agentsh.core.approval.ApprovalOutcome;
import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.PolicyInfo;
import io.agentsh.core.metrics.Metrics;
import io.agentsh.core.policy.CommandCheck;
import io.agentsh.core.session.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command pre-check shared by the exec API and the shim route: policy decision, redirect
 * rewrite, approval wait, and the command_policy / command_redirected audit events.
 */
public final class CommandGate {
    /** The final word on a command. */
    public record Outcome(CommandCheck check, String effectiveDecision, ApprovalOutcome approval, String command,
                          List<String> args, Event precheckEvent) {
        public boolean denied() {
            return "deny".equals(effectiveDecision);
        }
    }

    private final AuditLog audit;
    private final ApprovalManager approvals;
    private final Metrics metrics;

    public CommandGate(AuditLog audit, ApprovalManager approvals, Metrics metrics) {
        this.audit = audit;
        this.approvals = approvals;
        this.metrics = metrics;
    }

    public Outcome check(Session s, String cmdId, String command, List<String> args) {
        long d0 = System.nanoTime();
        CommandCheck check = s.policy().get().checkCommand(command, args);
        metrics.decision("command", check.effectiveDecision(), System.nanoTime() - d0);
        String cmd = command;
        List<String> a = args;
        String effective = check.effectiveDecision();
        PolicyInfo.Approval approval = null;
        ApprovalOutcome outcome = null;
        if (check.isRedirect()) {
            cmd = check.redirectCommand();
            a = check.redirectArgs() == null ? List.of() : check.redirectArgs();
        } else if (check.isApprove()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("command", command);
            fields.put("args", args);
            ApprovalManager.Resolution r = approvals.await(s.id(), cmdId, "command", command, check.rule(),
                    check.message(), fields, check.approvalTimeout());
            outcome = r.outcome();
            approval = new PolicyInfo.Approval(true, "enforced", r.approvalId());
            effective = outcome == ApprovalOutcome.APPROVED ? "allow" : "deny";
        } else if ("approve".equals(check.policyDecision())) {
            approval = new PolicyInfo.Approval(true, "shadow", null);
        } else if (!isKnown(effective)) {
            // Fail closed: anything we do not understand denies.
            effective = "deny";
        }
        PolicyInfo pinfo = new PolicyInfo(check.policyDecision(), effective, check.rule(), check.message(), approval,
                check.isRedirect() ? new PolicyInfo.Redirect(check.redirectCommand(), check.redirectArgs(), null, null,
                        check.message()) : null);
        Event precheck = Event.builder("command_policy", s.id()).commandId(cmdId).policy(pinfo)
                .operation("command_precheck").field("command", command).field("args", args).build();
        audit.emit(precheck);
        metrics.event(precheck.type());
        if (check.isRedirect()) {
            audit.emit(Event.builder("command_redirected", s.id()).commandId(cmdId).policy(pinfo)
                    .field("command", command).field("args", args)
                    .field("redirect_command", cmd).field("redirect_args", a).build());
        }
        return new Outcome(check, effective, outcome, cmd, a, precheck);
    }

    private static boolean isKnown(String d) {
        return switch (d == null ? "" : d) {
            case "allow", "deny", "approve", "redirect", "audit", "soft_delete" -> true;
            default -> false;
        };
    }
}
