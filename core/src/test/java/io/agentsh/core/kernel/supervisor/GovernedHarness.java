package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs commands under the real exec wrapper and supervisor; collects what the supervisor reported. */
final class GovernedHarness {
    static final Path WRAPPER = locateWrapper();

    record Result(int exit, String stdout, String stderr) {}

    final List<String> denials = Collections.synchronizedList(new ArrayList<>());
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final List<String> redirects = Collections.synchronizedList(new ArrayList<>());
    private final GovernedLauncher launcher;
    private final Path runtimeDir;
    private final EnforcementEvents events;
    private final SupervisorOptions options;
    /**
     * Start the wrapper as a grandchild (a shell forks it), as the shim's exec in place does: its
     * parent is not this process, so under ptrace it is traced in place without the relay fork.
     */
    volatile boolean grandchild;
    private final KernelPolicy policy;
    private final ArmingPlan plan;

    ArmingPlan plan() { return plan; }
    /** Runs with the wrapper's pid before it is armed (cgroup join); null for none. */
    volatile PendingArm.BeforeExec beforePlan;
    /** Opens the namespaces each command joins (null: none). */
    volatile java.util.concurrent.Callable<NamespaceJoin> joins;

    GovernedHarness(KernelPolicy policy, Path runtimeDir, ArmingPlan plan) throws IOException {
        this(policy, runtimeDir, plan, SupervisorOptions.DEFAULT);
    }

    GovernedHarness(KernelPolicy policy, Path runtimeDir, ArmingPlan plan, SupervisorOptions options) throws IOException {
        this.policy = policy;
        this.plan = plan;
        EnforcementEvents events = new EnforcementEvents() {
            @Override public void file(String s, int p, String sc, FileAccess o, String a, String b, KernelVerdict v) {
                if (!v.allowed()) denials.add("file " + sc + " " + o.wireName() + " " + a + (b == null ? "" : " " + b) + " rule=" + v.rule());
            }
            @Override public void exec(String s, int p, String f, List<String> a, int d, KernelVerdict v) {
                if (!v.allowed()) denials.add("exec " + f + " " + a + " depth=" + d + " rule=" + v.rule());
            }
            @Override public void signal(String s, int p, String sc, int sig, int t, KernelVerdict v) {
                if (!v.allowed()) denials.add("signal " + sc + " " + sig + " -> " + t + " rule=" + v.rule());
            }
            @Override public void failure(String s, int p, String sc, String r) {
                failures.add(sc + ": " + r);
            }
            @Override public void connectRedirect(String s, int p, String original, KernelRedirect r, String error,
                                                  boolean fellBack) {
                redirects.add(original + " -> " + r.target() + " rule=" + r.rule()
                        + (error == null ? "" : " error=" + error + " fellBack=" + fellBack));
            }
        };
        this.launcher = new GovernedLauncher(WRAPPER, runtimeDir, events, options);
        this.runtimeDir = runtimeDir;
        this.events = events;
        this.options = options;
    }

    static ArmingPlan defaultPlan() {
        return new ArmingPlan(SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, true)), null, true);
    }

    /** The default plan served by the ptrace backend (SECCOMP_RET_TRACE prefilter, PtraceSupervisor). */
    static ArmingPlan ptracePlan() {
        var spec = SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, true);
        return new ArmingPlan(SeccompFilterBuilder.build(spec, io.agentsh.core.kernel.bpf.SeccompAction.TRACE, java.util.Set.of()),
                null, true, -1L, false, SupervisionBackend.PTRACE);
    }

    Result run(Map<String, String> env, Path cwd, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        pb.environment().put("HOME", "/root");
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (grandchild) return runAsGrandchild(pb, argv);
        GovernedProcess gp = launcher.launch("test-session", policy, plan, pb, beforePlan,
                joins == null ? NamespaceJoin.NONE : joins.call());
        Process p = gp.process();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        var outF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(out));
        var errF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(err));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("governed command timed out: " + String.join(" ", argv));
        }
        gp.supervisor().done().get(10, TimeUnit.SECONDS);
        return new Result(p.exitValue(), outF.get(), errF.get());
    }

    /**
     * A shell (this process's child) forks the wrapper and prints its pid first; the command's
     * output follows on the same stdout. The exit code is the wrapper's (the shell waits for it).
     */
    private Result runAsGrandchild(ProcessBuilder pb, String... argv) throws Exception {
        PendingArm arm = PendingArm.open(WRAPPER, runtimeDir, "test-session", policy, plan, events, options,
                beforePlan == null ? pid -> { } : beforePlan, joins == null ? NamespaceJoin.NONE : joins.call());
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\" & echo $!; wait $!", "sh"));
        cmd.addAll(arm.argv(argv[0], null, List.of(argv).subList(1, argv.length)));
        Process p;
        try {
            p = pb.command(cmd).start();
        } catch (IOException e) {
            arm.startFailed();
            throw e;
        }
        var out = p.getInputStream();
        var errF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        StringBuilder line = new StringBuilder();
        for (int c; (c = out.read()) != '\n'; ) {
            if (c < 0) throw new AssertionError("the launching shell printed no pid: " + errF.get());
            line.append((char) c);
        }
        arm.started(Long.parseLong(line.toString().trim()));
        var outF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(out));
        TreeSupervisor sup;
        try {
            sup = arm.armed().get(PendingArm.ARM_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            p.waitFor(60, TimeUnit.SECONDS);
            return new Result(p.exitValue(), outF.get(), errF.get());
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("governed command timed out: " + String.join(" ", argv));
        }
        sup.done().get(10, TimeUnit.SECONDS);
        return new Result(p.exitValue(), outF.get(), errF.get());
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static Path locateWrapper() {
        Path dir = Path.of("").toAbsolutePath();
        Path native_ = dir.getParent().resolve("shim-native");
        Path bin = native_.resolve("target/bin/agentsh-exec-wrapper");
        try {
            Process make = new ProcessBuilder("make", "-s", "-C", native_.toString(), "target/bin/agentsh-exec-wrapper")
                    .inheritIO().start();
            if (make.waitFor() != 0) throw new IllegalStateException("building the exec wrapper failed");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot build the exec wrapper: " + e);
        }
        if (!Files.isExecutable(bin)) throw new IllegalStateException("exec wrapper missing: " + bin);
        return bin;
    }
}
