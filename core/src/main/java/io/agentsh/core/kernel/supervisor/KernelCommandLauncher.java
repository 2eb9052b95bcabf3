package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.exec.CommandLauncher;
import io.agentsh.core.exec.LaunchPlan;
import io.agentsh.core.exec.LaunchRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The daemon's {@link CommandLauncher} with kernel enforcement: every command starts as
 * {@code agentsh-exec-wrapper --sock S --token T [--argv0 A] -- EXECUTABLE ARGS}, is armed with
 * its session's plan (filter, Landlock, capabilities) and runs under a supervisor serving its
 * whole tree. The wrapper does setsid, as {@link LaunchPlan} requires. If arming fails the wrapper
 * exits 126 without running anything; the runner reports that exit and the wrapper's message.
 */
public final class KernelCommandLauncher implements CommandLauncher {

    /** What a session's commands are armed with. Built once per session / policy reload. */
    public record SessionKernel(KernelPolicy policy, ArmingPlan plan, SupervisorOptions options) {}

    /** The daemon's lookup from session id to its kernel setup. */
    @FunctionalInterface
    public interface Sessions {
        SessionKernel forSession(String sessionId) throws LaunchException;
    }

    private final Path wrapper;
    private final Path runtimeDir;
    private final EnforcementEvents events;
    private final Sessions sessions;
    private final PendingArm.BeforeExec beforeExec;

    /**
     * @param beforeExec runs with the command's pid after arming, before its exec (cgroup
     *                   placement); throwing refuses the command
     */
    public KernelCommandLauncher(Path wrapper, Path runtimeDir, EnforcementEvents events, Sessions sessions,
                                 PendingArm.BeforeExec beforeExec) {
        this.wrapper = wrapper;
        this.runtimeDir = runtimeDir;
        this.events = events;
        this.sessions = sessions;
        this.beforeExec = beforeExec == null ? pid -> { } : beforeExec;
    }

    @Override
    public LaunchPlan plan(LaunchRequest r) throws LaunchException {
        SessionKernel k = sessions.forSession(r.sessionId());
        if (k == null) throw new LaunchException("no kernel enforcement set up for session " + r.sessionId());
        PendingArm arm;
        try {
            arm = PendingArm.open(wrapper, runtimeDir, r.sessionId(), k.policy(), k.plan(), events, k.options(), beforeExec);
        } catch (IOException e) {
            throw new LaunchException("cannot prepare kernel enforcement: " + e.getMessage());
        }
        String argv0 = r.argv0() != null && !r.argv0().isEmpty() && !r.argv0().equals(r.command()) ? r.argv0() : null;
        List<String> argv = arm.argv(r.executable(), argv0, r.args());
        return new LaunchPlan(argv, r.env(), r.workingDir(), new LaunchPlan.Listener() {
            @Override public void started(long pid) {
                arm.started(pid);
            }

            @Override public void finished(long pid, int exitCode) {
                if (pid < 0) arm.startFailed();
            }
        });
    }
}
