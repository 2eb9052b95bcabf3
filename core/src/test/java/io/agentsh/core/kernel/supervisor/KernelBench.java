package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmarks, not tests: run by bench/kernel-fileio.sh (-Dagentsh.bench=true), skipped otherwise.
 * Prints governed vs ungoverned wall time for a file-I/O-heavy command and the per-syscall cost
 * of one notification round trip (CONTINUE) and of an emulated open (ADDFD).
 */
class KernelBench {
    @TempDir Path tmp;

    @Test
    void fileIoGovernedVsUngoverned() throws Exception {
        assumeTrue(Boolean.getBoolean("agentsh.bench"), "bench only (bench/kernel-fileio.sh)");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Engine engine = Engine.compile(PolicyLoader.load(ExeDevPolicyTest.compat().resolve("exe.dev/default.yaml")),
                EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", project.toString()).environment(k -> null).build());
        GovernedHarness h = new GovernedHarness(new EngineKernelPolicy(engine), tmp.resolve("run"), GovernedHarness.defaultPlan());
        Path bench = compile("syscallbench");
        String workload = "set -e; cd " + project + "; for i in $(seq 1 300); do echo line$i > f$i; cat f$i > /dev/null; "
                + "mkdir d$i; mv f$i d$i/g; done; find . -type f | wc -l; for i in $(seq 1 300); do rm d$i/g; rmdir d$i; done";
        String pyWorkload = "import os\nfor i in range(3000):\n p='" + project + "/p%d' % i\n"
                + " with open(p,'w') as f: f.write('x'*100)\n with open(p) as f: f.read()\n os.unlink(p)\n";
        boolean all = !"masked".equals(System.getProperty("agentsh.bench.only"));
        if (all) {
        report("shell: 300 x (create, cat, mkdir, mv, rm, rmdir) + find",
                time(3, () -> ungoverned(project, "/bin/sh", "-c", workload)), time(3, () -> check(h.run(Map.of(), project, "/bin/sh", "-c", workload))));
        report("python3: 3000 x (write 100 B, read, unlink)",
                time(3, () -> ungoverned(project, "/usr/bin/python3", "-c", pyWorkload)),
                time(3, () -> check(h.run(Map.of(), project, "/usr/bin/python3", "-c", pyWorkload))));
        for (String[] op : List.of(new String[] {"kill", "200000"}, new String[] {"open", "/usr/lib/os-release", "50000"},
                new String[] {"write", project.toString(), "20000"})) {
            List<String> argv = new ArrayList<>(List.of(bench.toString()));
            argv.addAll(List.of(op));
            String plain = run(new ProcessBuilder(argv).directory(project.toFile()));
            var g = h.run(Map.of(), project, argv.toArray(String[]::new));
            System.out.printf("BENCH syscall %-6s ungoverned %s  governed %s%n", op[0], plain.trim(), g.stdout().trim());
        }
        }

        // The same with the bench policy (bench-realistic), whose read plan is complete: the command
        // runs in a session mount namespace with the masks, read-only opens stay in the kernel.
        Path cfgFile = Files.createDirectories(tmp.resolve("etc")).resolve("config.yaml");
        Files.copy(ExeDevPolicyTest.compat().resolve("exe.dev/config.yaml"), cfgFile);
        var cfg = io.agentsh.policy.ServerConfigLoader.load(cfgFile).config();
        Engine benchEngine = Engine.compile(PolicyLoader.load(locate("bench/bench-realistic.yaml")),
                cfg.engineOptions().variable("HOME", "/root").variable("PROJECT_ROOT", project.toString()).environment(k -> null).build());
        EngineKernelPolicy kp = new EngineKernelPolicy(benchEngine);
        KernelPlans.SessionPlans plans = KernelPlans.forSession(cfg, benchEngine, kp, project.toString(), true);
        if (plans.masked() == null) throw new AssertionError("bench-realistic read plan incomplete: " + plans.reads().reason());
        try (var namespaces = io.agentsh.core.ns.MountNamespaces.open(tmp.resolve("ns"));
             var masks = io.agentsh.core.kernel.masks.ReadMasks.apply(namespaces.create("bench"), plans.reads(),
                     p -> benchEngine.isProtectedPath(p, -1))) {
            Path nsFile = namespaces.find("bench").path();
            // bench-realistic has no rule allowing writes to /dev/null: the output goes to a file.
            String sinkWorkload = workload.replace("> /dev/null", "> sink");
            for (var variant : List.of(Map.entry("reads trapped   ", plans.trapping()), Map.entry("reads in kernel ", plans.masked()))) {
                boolean masked = variant.getValue() == plans.masked();
                GovernedHarness hb = new GovernedHarness(kp, tmp.resolve("run-b"), variant.getValue());
                if (masked) hb.joins = () -> NamespaceJoin.open(nsFile, null, "");
                // bash: bench-realistic allows it by name (its allow list has no dash, /bin/sh's target)
                report("bench-realistic, " + variant.getKey() + "shell workload",
                        time(3, () -> ungoverned(project, "/bin/bash", "-c", sinkWorkload)),
                        time(3, () -> check(hb.run(Map.of(), project, "/bin/bash", "-c", sinkWorkload))));
                // (no python3 here: bench-realistic allows "python3" by name, the exec'd file is python3.N)
                // bench-realistic allows commands by name and has no rule for a bench binary: it runs as "cat".
                Path asCat = project.resolve("cat");
                if (!Files.exists(asCat)) Files.copy(bench, asCat, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                List<String> argv = new ArrayList<>(List.of(asCat.toString(), "open", "/usr/lib/os-release", "50000"));
                String plain = run(new ProcessBuilder(argv).directory(project.toFile()));
                var g = hb.run(Map.of(), project, argv.toArray(String[]::new));
                System.out.printf("BENCH bench-realistic, %ssyscall open  ungoverned %s  governed %s%n", variant.getKey(),
                        plain.trim(), g.stdout().trim());
            }
        }
    }

    static Path locate(String rel) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(rel))) return p.resolve(rel);
        }
        throw new IllegalStateException(rel + " not found");
    }

    /** The exe.dev policy on {@code project}, served once by the seccomp and once by the ptrace backend. */
    private record Backends(KernelPolicy policy, GovernedHarness seccomp, GovernedHarness ptrace) {}

    private Backends backends(Path project) throws Exception {
        Engine engine = Engine.compile(PolicyLoader.load(ExeDevPolicyTest.compat().resolve("exe.dev/default.yaml")),
                EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", project.toString()).environment(k -> null).build());
        KernelPolicy kp = new EngineKernelPolicy(engine);
        var spec = io.agentsh.core.kernel.seccomp.SyscallSets.sessionFilter(io.agentsh.core.kernel.seccomp.SyscallSets.DEFAULT_BLOCKED,
                kp.readsCanBeDenied(), kp.governsUnixSockets());
        GovernedHarness sec = new GovernedHarness(kp, tmp.resolve("run1"), new ArmingPlan(
                io.agentsh.core.kernel.bpf.SeccompFilterBuilder.build(spec), null, true));
        GovernedHarness pt = new GovernedHarness(kp, tmp.resolve("run2"), new ArmingPlan(
                io.agentsh.core.kernel.bpf.SeccompFilterBuilder.build(spec, io.agentsh.core.kernel.bpf.SeccompAction.TRACE, java.util.Set.of()),
                null, true, -1L, false, SupervisionBackend.PTRACE));
        return new Backends(kp, sec, pt);
    }

    /** The ptrace backend against the seccomp one: per-command arming and a tree of short execs. */
    @Test
    void ptraceVsSeccomp() throws Exception {
        assumeTrue(Boolean.getBoolean("agentsh.bench"), "bench only (bench/kernel-fileio.sh)");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Backends b = backends(project);
        GovernedHarness sec = b.seccomp(), pt = b.ptrace();
        String execs = "for i in $(seq 1 100); do /bin/true; done";
        String files = "cd " + project + "; for i in $(seq 1 200); do echo $i > f$i; cat f$i >/dev/null; rm f$i; done";
        for (String[] w : List.of(new String[] {"100 execs in one tree", execs}, new String[] {"200 x (create, cat, rm)", files})) {
            report("seccomp: " + w[0], time(3, () -> ungoverned(project, "/bin/sh", "-c", w[1])), time(3, () -> check(sec.run(Map.of(), project, "/bin/sh", "-c", w[1]))));
            report("ptrace:  " + w[0], time(3, () -> ungoverned(project, "/bin/sh", "-c", w[1])), time(3, () -> check(pt.run(Map.of(), project, "/bin/sh", "-c", w[1]))));
        }
        report("seccomp: 30 governed commands (/bin/true)", time(1, () -> { for (int i = 0; i < 30; i++) ungoverned(project, "/bin/true"); return 0; }),
                time(1, () -> { for (int i = 0; i < 30; i++) check(sec.run(Map.of(), project, "/bin/true")); return 0; }));
        report("ptrace:  30 governed commands (/bin/true)", time(1, () -> { for (int i = 0; i < 30; i++) ungoverned(project, "/bin/true"); return 0; }),
                time(1, () -> { for (int i = 0; i < 30; i++) check(pt.run(Map.of(), project, "/bin/true")); return 0; }));
    }

    /**
     * The fixed cost of one governed command by backend and by how the wrapper is started: as this
     * process's child (the daemon's exec API; under ptrace the wrapper forks a relay) or as a
     * grandchild (the shim's exec in place; under ptrace traced in place, no relay).
     */
    @Test
    void perCommandCostByLaunch() throws Exception {
        assumeTrue(Boolean.getBoolean("agentsh.bench"), "bench only (bench/kernel-fileio.sh)");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Backends b = backends(project);
        KernelPolicy kp = b.policy();
        GovernedHarness sec = b.seccomp(), pt = b.ptrace();
        GovernedHarness secG = new GovernedHarness(kp, tmp.resolve("run3"), sec.plan());
        GovernedHarness ptG = new GovernedHarness(kp, tmp.resolve("run4"), pt.plan());
        secG.grandchild = true;
        ptG.grandchild = true;
        Map<String, List<Long>> t = new java.util.LinkedHashMap<>();
        Map<String, GovernedHarness> hs = new java.util.LinkedHashMap<>();
        hs.put("seccomp child", sec); hs.put("ptrace child", pt); hs.put("seccomp grandchild", secG); hs.put("ptrace grandchild", ptG);
        for (int round = 0; round < 6; round++) {
            for (var e : hs.entrySet()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 20; i++) check(e.getValue().run(Map.of(), project, "/bin/true"));
                if (round > 0) t.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 20_000);
            }
        }
        t.forEach((k, v) -> { Collections.sort(v); System.out.println("BENCH " + k + " /bin/true us per command, median of 5x20: " + v.get(2) + " " + v); });
    }

    interface Run { int run() throws Exception; }

    static int check(GovernedHarness.Result r) {
        if (r.exit() != 0) System.out.println("BENCH workload failed: " + r);
        return r.exit();
    }

    static long[] time(int reps, Run r) throws Exception {
        r.run(); // warm-up (page cache, JIT of the supervisor)
        long[] ms = new long[reps];
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            int exit = r.run();
            ms[i] = (System.nanoTime() - t) / 1_000_000;
            if (exit != 0) throw new AssertionError("bench workload failed: exit " + exit);
        }
        return ms;
    }

    static void report(String name, long[] plain, long[] governed) {
        System.out.printf("BENCH %-55s ungoverned median %5d ms   governed median %5d ms   (x%.2f)%n", name, median(plain),
                median(governed), (double) median(governed) / Math.max(1, median(plain)));
    }

    static long median(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long x : a) l.add(x);
        Collections.sort(l);
        return l.get(l.size() / 2);
    }

    static int ungoverned(Path cwd, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private Path compile(String name) throws Exception {
        Path src = tmp.resolve(name + ".c");
        try (InputStream in = KernelBench.class.getResourceAsStream("/kernel/" + name + ".c")) {
            Files.copy(in, src);
        }
        Path bin = tmp.resolve(name);
        if (new ProcessBuilder("cc", "-O2", "-o", bin.toString(), src.toString()).inheritIO().start().waitFor() != 0)
            throw new IllegalStateException("cc failed");
        return bin;
    }
}
