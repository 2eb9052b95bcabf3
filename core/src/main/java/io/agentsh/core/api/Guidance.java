package io.agentsh.core.api;

import io.agentsh.core.api.ExecResponse.Suggestion;
import io.agentsh.core.audit.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The guidance block of exec responses (reference app.go guidanceFor*), built from facts only. */
public final class Guidance {
    static final Suggestion ADJUST_POLICY = new Suggestion("adjust_policy", "",
            "operation denied by policy; adjust policy or change command");
    static final Suggestion REQUEST_APPROVAL = new Suggestion("request_approval", "",
            "operation requires approval per policy (enable approvals or approve via API)");

    private Guidance() {}

    /** For a pre-check denial. */
    public static ExecResponse.Guidance denied(String rule, String command, boolean approvalRelated, boolean timedOut) {
        return new ExecResponse.Guidance("blocked", true, approvalRelated ? Boolean.TRUE : null,
                timedOut ? "approval timed out" : "command denied by policy", rule, "command_precheck", command,
                null, List.of(approvalRelated ? REQUEST_APPROVAL : ADJUST_POLICY));
    }

    /** For a command that ran. */
    public static ExecResponse.Guidance ran(List<Event> blocked, int exitCode, String errorMessage,
                                            boolean workspaceMode) {
        if (!blocked.isEmpty()) return blockedOps(blocked.get(0), blocked, workspaceMode);
        if (exitCode == 0) return new ExecResponse.Guidance("ok", null, null, null, null, null, null, null, null);
        String reason = "command failed";
        Boolean retryable = null;
        List<Suggestion> sugg = new ArrayList<>();
        String msg = errorMessage == null ? "" : errorMessage.toLowerCase(Locale.ROOT);
        if (msg.contains("timed out") || msg.contains("deadline exceeded")) {
            reason = "command timed out";
            retryable = true;
            sugg.add(new Suggestion("increase_timeout", "agentsh exec --timeout 2m ...",
                    "increase --timeout for slow commands"));
        }
        if (msg.contains("executable file not found") || msg.contains("no such file or directory")) {
            sugg.add(new Suggestion("use_absolute_exe", "",
                    "use an absolute executable path (or install the missing tool if allowed)"));
        }
        if (msg.contains("permission denied")) {
            sugg.add(new Suggestion("fix_permissions", "", "ensure the executable is allowed and has execute permission"));
        }
        return new ExecResponse.Guidance("failed", null, retryable, reason, null, null, null, null,
                sugg.isEmpty() ? null : sugg);
    }

    private static ExecResponse.Guidance blockedOps(Event ev, List<Event> blocked, boolean workspaceMode) {
        String rule = ev.policy() == null ? null : ev.policy().rule();
        String decision = ev.policy() == null ? null : ev.policy().decision();
        String op = ev.operation() != null && !ev.operation().isEmpty() ? ev.operation() : ev.type();
        String target = first(ev.path(), ev.remote(), ev.domain(), ev.type());
        String reason = rule != null && !rule.isEmpty() ? "blocked by policy (rule=" + rule + ")"
                : decision != null && !decision.isEmpty() ? "blocked by policy (decision=" + decision + ")"
                : "blocked by policy";
        List<Suggestion> subs = new ArrayList<>();
        List<Suggestion> sugg = new ArrayList<>();
        boolean retryable = false;
        if ("approve".equals(decision) || (rule != null && rule.startsWith("approve-"))) {
            retryable = true;
            sugg.add(new Suggestion("request_approval", "", "operation requires approval per policy"));
        }
        if (target.startsWith("http://") && rule != null && rule.contains("deny")) {
            subs.add(new Suggestion("substitute", "https://" + target.substring(7), "try HTTPS instead of HTTP"));
        }
        if (target.endsWith(":80") && "default-deny-network".equals(rule)) {
            subs.add(new Suggestion("substitute", "https://" + target.substring(0, target.length() - 3),
                    "try HTTPS (port 443) instead of HTTP (port 80)"));
        }
        if (workspaceMode && ev.path() != null && !ev.path().isEmpty()
                && (ev.type().startsWith("file_") || ev.type().startsWith("dir_") || ev.type().startsWith("symlink_"))
                && !(ev.path().equals("/workspace") || ev.path().startsWith("/workspace/"))) {
            sugg.add(new Suggestion("move_to_workspace", "",
                    "copy/move required inputs under /workspace so the policy can allow access"));
        }
        sugg.add(new Suggestion("inspect_events", "", "query the event log for full details (rule, operation, and target)"));
        sugg.add(new Suggestion("adjust_policy", "", "allow the required operation (or enable approvals where appropriate)"));
        if (!subs.isEmpty()) retryable = true;
        return new ExecResponse.Guidance("blocked", true, retryable ? Boolean.TRUE : null, reason, rule, op, target,
                subs.isEmpty() ? null : subs, sugg);
    }

    private static String first(String... values) {
        for (String v : values) if (v != null && !v.isEmpty()) return v;
        return "";
    }
}
