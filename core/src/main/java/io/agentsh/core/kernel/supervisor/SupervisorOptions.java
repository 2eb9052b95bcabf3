package io.agentsh.core.kernel.supervisor;

/**
 * @param logAllowed     report allowed operations too (audit.log_allowed), not only denials
 * @param strictExecRace refuse an exec whose filename/argv another running task could rewrite
 *                       between the check and the kernel's use (see {@link ExecMemoryGuard});
 *                       false trades that guarantee for compatibility with multi-threaded
 *                       vfork users (Go, the JVM) and is reported as such
 */
public record SupervisorOptions(boolean logAllowed, boolean strictExecRace) {
    public static final SupervisorOptions DEFAULT = new SupervisorOptions(false, true);
}
