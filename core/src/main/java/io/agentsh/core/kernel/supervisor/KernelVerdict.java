package io.agentsh.core.kernel.supervisor;

/**
 * The answer the supervisor acts on: allowed or not, and the rule that decided (for the audit
 * event and the errno). Built by a {@link KernelPolicy}; constants for the common answers keep
 * the allow path allocation-free.
 */
public record KernelVerdict(boolean allowed, String rule, String message) {
    public static final KernelVerdict ALLOW = new KernelVerdict(true, "", "");

    public static KernelVerdict deny(String rule, String message) {
        return new KernelVerdict(false, rule == null ? "" : rule, message == null ? "" : message);
    }
}
