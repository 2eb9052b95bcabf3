package io.agentsh.core.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Exactly what to start: argv (argv[0] is the program to execute), env and cwd. The process
 * started from it must become the leader of a new session and process group (setsid), so the
 * daemon can signal the whole group by its pid. {@link #listener} learns the pid and the exit.
 */
public record LaunchPlan(List<String> argv, Map<String, String> env, Path cwd, Listener listener) {
    public LaunchPlan {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (listener == null) listener = Listener.NONE;
    }

    /** Hooks for the launcher's own bookkeeping (e.g. the kernel supervisor registering the pid). */
    public interface Listener {
        Listener NONE = new Listener() {};

        default void started(long pid) {}

        /** Always called once, also when the start failed (pid = -1). */
        default void finished(long pid, int exitCode) {}

        /**
         * What the command used, read once it {@link #finished} (the exec response's
         * {@code resources}); empty when nothing measured it.
         */
        default Map<String, Object> resources() {
            return Map.of();
        }
    }
}
