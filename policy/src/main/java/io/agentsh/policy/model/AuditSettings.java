package io.agentsh.policy.model;

/** The policy's {@code audit} block: parsed and carried, not acted on (as in the reference). */
public record AuditSettings(boolean logAllowed, boolean logDenied, boolean logApproved, boolean includeStdout,
                            boolean includeStderr, boolean includeFileContent, int retentionDays) {
    public static final AuditSettings DEFAULT = new AuditSettings(false, false, false, false, false, false, 0);
}
