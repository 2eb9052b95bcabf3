package io.agentsh.core.kernel.masks;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.policy.Engine;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.PolicyLoader;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import io.agentsh.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The read plan against the engine it was compiled from, for the bench policy and every compat
 * policy under the exe.dev config: when a plan is complete, no path the kernel would let a
 * command read (Landlock roots and masks, modelled below exactly as KernelPlans and ReadMasks
 * apply them) is one the engine denies. Paths are built from the places policies name (homes,
 * /etc, /proc, the data dir, a workspace) plus random segments.
 */
class ReadPlanPropertyTest {
    static final String WS = "/var/lib/agentsh/sessions/s1/workspace";
    static final List<String> OTHER_READS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
            "/usr/local", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/lib", "/tmp", "/var/tmp", WS, "/root", "/workspace",
            "/var/lib/agentsh", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
            "/dev/pts", "/dev/ptmx", "/dev/shm");

    static Path find(String rel) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(rel))) return p.resolve(rel);
        }
        throw new IllegalStateException(rel + " not found");
    }

    static ServerConfig config() throws Exception {
        return ServerConfigLoader.load(find("shared/compat/exe.dev/config.yaml"), k -> null).config();
    }

    static Engine engine(Path policy) throws Exception {
        return Engine.compile(PolicyLoader.load(policy), config().engineOptions().variable("HOME", "/root")
                .variable("PROJECT_ROOT", WS).variable("GIT_ROOT", WS).environment(k -> null).build());
    }

    static List<Path> policies() throws Exception {
        List<Path> out = new ArrayList<>(List.of(find("bench/bench-realistic.yaml")));
        try (Stream<Path> s = Files.walk(find("shared/compat"))) {
            s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().startsWith("config")
                    && !p.toString().contains("reference-server-config") && !p.toString().contains("api-keys")).sorted().forEach(out::add);
        }
        return out;
    }

    static ReadPlan plan(Engine e) {
        return ReadPlanCompiler.compile(e, new ReadPlanCompiler.Inputs(true, OTHER_READS, 0L, false, false, WS));
    }

    /**
     * What the kernel lets a command read under a complete plan: Landlock's grants minus the masks.
     * A protected entry of a watched directory that is not there yet gets its mask when it appears
     * (ReadMasks.refresh, tested in KernelMaskedReadsTest); until then there is nothing to read.
     */
    static boolean kernelAllows(ReadPlan plan, Engine e, String p) {
        int slash = p.lastIndexOf('/');
        String parent = slash <= 0 ? "/" : p.substring(0, slash);
        if (plan.watchedDirs().contains(parent) && e.isProtectedPath(p, -1)) return false;
        boolean granted = false;
        for (String r : plan.landlockRead()) granted |= ReadPlanCompiler.under(p, r);
        for (String r : OTHER_READS) granted |= ReadPlanCompiler.under(p, r);
        if (!granted) return false;
        for (ReadPlan.MaskedPath m : plan.masks()) {
            if (!ReadPlanCompiler.under(p, m.path())) continue;
            if (m.skeleton()) {
                boolean kept = m.keep().stream().anyMatch(k -> ReadPlanCompiler.under(p, k));
                if (kept) continue;
                return false;
            }
            boolean dir = !Files.exists(Path.of(m.path())) || Files.isDirectory(Path.of(m.path()));
            return p.equals(m.path()) && m.listable() && dir; // a listable mask root opens, empty
        }
        return true;
    }

    static boolean engineAllows(Engine e, String p, FileOperation op) {
        Verdict v = e.checkFile(p, op);
        return v != null && v.isAllowed();
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> base = Arbitraries.of("/", "/etc", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d",
                "/etc/ssh", "/etc/ssh/ssh_host_rsa_key", "/etc/hosts", "/etc/ssl/certs", "/root", "/root/.ssh", "/root/.aws",
                "/root/.config/gcloud", "/home/alice", "/proc", "/proc/1", "/proc/self", "/proc/kcore", "/sys/kernel", "/tmp",
                "/var", "/var/lib/agentsh", "/var/lib/agentsh/operator.token", "/var/lib/agentsh/sessions", WS, "/workspace",
                "/usr/bin", "/usr/lib", "/lib", "/opt", "/bench", "/dev", "/dev/pts", "/run", "/run/systemd", "/srv", "/mnt");
        Arbitrary<List<String>> tail = Arbitraries.of("a", ".ssh", "id_rsa", "environ", "mem", ".env", "credentials",
                "zz-agentsh-read-plan-probe", "x y", "..", ".", "shadow").list().ofMaxSize(3);
        return Combinators.combine(base, tail).as((b, t) -> {
            StringBuilder sb = new StringBuilder(b);
            for (String s : t) sb.append(sb.charAt(sb.length() - 1) == '/' ? "" : "/").append(s);
            return Engine.normalisePath(sb.toString());
        });
    }

    @Property(tries = 3000)
    void aCompletePlanNeverLetsTheKernelReadWhatTheEngineDenies(@ForAll("paths") String p) throws Exception {
        for (Path policy : policies()) {
            Engine e = ENGINES.computeIfAbsent(policy, k -> { try { return engine(k); } catch (Exception x) { throw new RuntimeException(x); } });
            ReadPlan plan = PLANS.computeIfAbsent(policy, k -> plan(e));
            if (!plan.complete()) continue;
            if (kernelAllows(plan, e, p)) {
                assertTrue(engineAllows(e, p, FileOperation.READ) || engineAllows(e, p, FileOperation.LIST) && isDirLike(p),
                        policy.getFileName() + ": the kernel would let " + p + " be read; the engine denies it");
            }
        }
    }

    /** The engine's list decision matters only for directories (or paths not there yet). */
    static boolean isDirLike(String p) {
        return !Files.exists(Path.of(p)) || Files.isDirectory(Path.of(p));
    }

    static final java.util.Map<Path, Engine> ENGINES = new java.util.concurrent.ConcurrentHashMap<>();
    static final java.util.Map<Path, ReadPlan> PLANS = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.Test
    void benchPolicyIsCompleteAndExeDevIsNot() throws Exception {
        ReadPlan bench = plan(engine(find("bench/bench-realistic.yaml")));
        assertTrue(bench.complete(), bench.reason());
        List<String> masked = bench.masks().stream().map(ReadPlan.MaskedPath::path).toList();
        assertTrue(masked.containsAll(List.of("/root/.ssh", "/root/.aws")), masked.toString());
        assertFalse(bench.landlockRead().contains("/proc"), "the engine denies /proc beneath: Landlock must not grant it");
        assertFalse(bench.landlockRead().contains("/sys"));
        ReadPlan exe = plan(engine(find("shared/compat/exe.dev/default.yaml")));
        assertFalse(exe.complete());
        assertTrue(exe.reason().contains("**/.env"), exe.reason());
    }

    @org.junit.jupiter.api.Test
    void whatTheSessionKeepsMakesThePlanIncomplete() throws Exception {
        Engine e = engine(find("bench/bench-realistic.yaml"));
        assertFalse(ReadPlanCompiler.compile(e, new ReadPlanCompiler.Inputs(true, OTHER_READS, -1L, false, false, WS)).complete(),
                "no capability drop: root reads through a mask");
        assertFalse(ReadPlanCompiler.compile(e, new ReadPlanCompiler.Inputs(true, OTHER_READS, 1L << 1, false, false, WS)).complete(),
                "CAP_DAC_OVERRIDE kept");
        assertFalse(ReadPlanCompiler.compile(e, new ReadPlanCompiler.Inputs(true, OTHER_READS, 0L, true, false, WS)).complete(),
                "a PID namespace mounts a fresh /proc");
        assertFalse(ReadPlanCompiler.compile(e, new ReadPlanCompiler.Inputs(false, OTHER_READS, 0L, false, false, WS)).complete(),
                "without Landlock the catch-all's denials cannot be made in the kernel");
    }

    @org.junit.jupiter.api.Test
    void everyCompatPolicyCompilesToAPlanOrAReason() throws Exception {
        for (Path p : policies()) {
            ReadPlan plan = plan(engine(p));
            assertTrue(plan.complete() || !plan.reason().isEmpty(), p.toString());
            System.out.println("read plan " + p.getFileName() + ": " + (plan.complete() ? "complete, " + plan.masks().size()
                    + " masks" : "incomplete: " + plan.reason()));
        }
    }
}
