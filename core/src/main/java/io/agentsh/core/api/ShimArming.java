package io.agentsh.core.api;

import io.agentsh.core.exec.CommandLauncher;
import io.agentsh.core.session.Session;
import java.util.List;

/**
 * How a shim-started shell is armed before it runs (docs/interfaces.md §2: "once kernel
 * enforcement exists, path/argv name the exec wrapper"). The shim execs in place, so the process
 * to arm is the caller itself ({@code pid}, from SO_PEERCRED).
 */
@FunctionalInterface
public interface ShimArming {
    /** No kernel layer: the shim execs the shell as decided. */
    ShimArming NONE = (s, cmdId, pid, path, argv0, args) -> null;

    /**
     * @return the argv to exec instead (element 0 is the program's path), or null to exec
     *         {@code path} unchanged
     * @throws CommandLauncher.LaunchException the shell must not run (the shim is told to refuse)
     */
    List<String> arm(Session s, String commandId, int pid, String path, String argv0, List<String> args)
            throws CommandLauncher.LaunchException;
}
