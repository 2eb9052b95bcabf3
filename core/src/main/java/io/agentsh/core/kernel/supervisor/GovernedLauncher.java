package io.agentsh.core.kernel.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a command under the exec wrapper from a {@link ProcessBuilder} and returns it armed.
 * (Launchers that start processes themselves use {@link PendingArm} directly.)
 *
 * <pre>
 * GovernedLauncher launcher = new GovernedLauncher(wrapperBinary, runtimeDir, events, options);
 * ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd);  // env, redirects as the daemon wants
 * GovernedProcess p = launcher.launch(sessionId, kernelPolicy, plan, pb);
 * </pre>
 * When {@code launch} returns the filter is installed and served and the command is being
 * exec'd (same pid as the wrapper).
 */
public final class GovernedLauncher {
    private final Path wrapper;
    private final Path runtimeDir;
    private final EnforcementEvents events;
    private final SupervisorOptions options;

    public GovernedLauncher(Path wrapper, Path runtimeDir, EnforcementEvents events, SupervisorOptions options)
            throws IOException {
        if (!Files.isExecutable(wrapper)) throw new IOException("exec wrapper not found or not executable: " + wrapper);
        this.wrapper = wrapper;
        this.runtimeDir = runtimeDir;
        this.events = events;
        this.options = options;
    }

    public GovernedProcess launch(String sessionId, KernelPolicy policy, ArmingPlan plan, ProcessBuilder command)
            throws IOException {
        return launch(sessionId, policy, plan, command, null);
    }

    /** As above; {@code beforePlan} (may be null) runs with the command's pid before it execs (cgroup join). */
    public GovernedProcess launch(String sessionId, KernelPolicy policy, ArmingPlan plan, ProcessBuilder command,
                                  PendingArm.BeforeExec beforePlan) throws IOException {
        return launch(sessionId, policy, plan, command, beforePlan, NamespaceJoin.NONE);
    }

    /** As above; the command first joins the namespaces of {@code join} (closed once sent). */
    public GovernedProcess launch(String sessionId, KernelPolicy policy, ArmingPlan plan, ProcessBuilder command,
                                  PendingArm.BeforeExec beforePlan, NamespaceJoin join) throws IOException {
        List<String> argv = command.command();
        if (argv.isEmpty()) {
            join.close();
            throw new IllegalArgumentException("empty command");
        }
        PendingArm arm = PendingArm.open(wrapper, runtimeDir, sessionId, policy, plan, events, options,
                beforePlan == null ? pid -> { } : beforePlan, join);
        command.command(arm.argv(argv.getFirst(), null, argv.subList(1, argv.size())));
        Process process;
        try {
            process = command.start();
        } catch (IOException e) {
            arm.startFailed();
            throw e;
        } finally {
            command.command(argv);
        }
        arm.started(process.pid());
        try {
            return new GovernedProcess(process, arm.armed().get(PendingArm.ARM_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            Throwable c = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("arming failed: " + c.getMessage(), c);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while arming", e);
        }
    }
}
