package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.trash.SoftDeleter;

/**
 * @param logAllowed     report allowed operations too (audit.log_allowed), not only denials
 * @param strictExecRace refuse an exec whose filename/argv another running task could rewrite
 *                       between the check and the kernel's use (see {@link ExecMemoryGuard});
 *                       false trades that guarantee for compatibility with multi-threaded
 *                       vfork users (Go, the JVM) and is reported as such
 * @param softDeleter    where {@code soft_delete} deletes go (the session's trash), or null (then
 *                       they are real deletes, reported with the verdict)
 */
public record SupervisorOptions(boolean logAllowed, boolean strictExecRace, SoftDeleter softDeleter) {
    public static final SupervisorOptions DEFAULT = new SupervisorOptions(false, true, null);

    public SupervisorOptions withSoftDeleter(SoftDeleter d) {
        return new SupervisorOptions(logAllowed, strictExecRace, d);
    }
}
