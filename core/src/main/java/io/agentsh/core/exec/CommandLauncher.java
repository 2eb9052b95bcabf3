package io.agentsh.core.exec;

/**
 * The launch seam: turns a decided command into the argv/env/cwd to start. The default puts the
 * command in its own session; the kernel layer replaces it with one that starts the command through
 * agentsh-exec-wrapper (docs/interfaces.md §3), which arms the child before it execs.
 */
public interface CommandLauncher {
    LaunchPlan plan(LaunchRequest request) throws LaunchException;

    /** A launcher that cannot prepare the launch: the command is not run (exit 126 or 127 per cause). */
    final class LaunchException extends Exception {
        public LaunchException(String message) {
            super(message);
        }
    }
}
