package io.agentsh.core.kernel.supervisor;

/**
 * A command running under kernel enforcement: the OS process (the wrapper, which became the
 * command: same pid) and the supervisor serving its tree.
 */
public record GovernedProcess(Process process, TreeSupervisor supervisor) {
    public long pid() {
        return process.pid();
    }
}
