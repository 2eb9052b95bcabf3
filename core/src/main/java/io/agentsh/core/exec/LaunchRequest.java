package io.agentsh.core.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A command the daemon has decided to run: the resolved executable, its args, argv[0] override
 * (null = the command as given), the final child environment and working directory.
 * {@code terminal}: the command starts with a pty's slave as fds 0-2 and must take it as its
 * controlling terminal right after setsid (TIOCSCTTY on fd 0).
 */
public record LaunchRequest(String sessionId, String commandId, String executable, String command,
                            List<String> args, String argv0, Map<String, String> env, Path workingDir,
                            boolean terminal) {
    public LaunchRequest {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    public LaunchRequest(String sessionId, String commandId, String executable, String command, List<String> args,
                         String argv0, Map<String, String> env, Path workingDir) {
        this(sessionId, commandId, executable, command, args, argv0, env, workingDir, false);
    }
}
