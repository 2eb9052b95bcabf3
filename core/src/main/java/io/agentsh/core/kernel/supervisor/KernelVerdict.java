package io.agentsh.core.kernel.supervisor;

/**
 * The answer the supervisor acts on: allowed or not, and the rule that decided (for the audit
 * event). {@code absorb}: not performed, but the caller is told it succeeded (signal rules'
 * {@code absorb}). {@code softDelete}: allowed, but a delete goes to the trash instead (file
 * rules' {@code soft_delete}). Constants for the common answers keep the allow path
 * allocation-free.
 */
public record KernelVerdict(boolean allowed, String rule, String message, boolean absorb, boolean softDelete) {
    public static final KernelVerdict ALLOW = new KernelVerdict(true, "", "", false, false);

    public static KernelVerdict allow(String rule) {
        return rule == null || rule.isEmpty() ? ALLOW : new KernelVerdict(true, rule, "", false, false);
    }

    public static KernelVerdict softDelete(String rule) {
        return new KernelVerdict(true, rule == null ? "" : rule, "", false, true);
    }

    public static KernelVerdict deny(String rule, String message) {
        return new KernelVerdict(false, rule == null ? "" : rule, message == null ? "" : message, false, false);
    }

    public static KernelVerdict absorb(String rule) {
        return new KernelVerdict(false, rule == null ? "" : rule, "absorbed", true, false);
    }
}
