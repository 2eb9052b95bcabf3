package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.model.FileRule;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The indexed file evaluation (rules bucketed by first path segment) gives the same rule as a
 * plain first-match scan over all rules, for every compat policy. Strict reads and a HOME no
 * generated path can reach keep the read/persistence hardening out of the comparison.
 */
class FileIndexDifferentialTest {
    static final List<String> POLICIES = List.of("exe.dev/default.yaml", "deno/default.yaml", "runloop/default.yaml",
            "reference-policies/default.yaml", "reference-policies/agent-default.yaml", "reference-policies/dev-safe.yaml",
            "reference-policies/agent-sandbox.yaml", "reference-policies/ci-strict.yaml", "reference-policies/agent-strict.yaml");

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> seg = Arbitraries.of("root", "usr", "tmp", "etc", "workspace", "proc", "dev", "home", "x", ".ssh", ".env",
                ".aws", "bin", "sudo", "self", "a.txt", ".env.local", "var", "lib", "null", "git", ".git", "node_modules", "w");
        return seg.list().ofMinSize(1).ofMaxSize(5).map(l -> "/" + String.join("/", l));
    }

    @Property(tries = 3000)
    void indexedEqualsLinear(@ForAll("paths") String path, @ForAll("policyIndex") int pi,
                             @ForAll("ops") FileOperation op) throws Exception {
        Policy p = POLICY_CACHE.computeIfAbsent(pi, i -> load(POLICIES.get(i)));
        Engine e = ENGINE_CACHE.computeIfAbsent(pi, i -> compile(p));
        String expected = linear(p, path, op);
        String actual = e.checkFile(path, op).rule();
        if (actual.equals("protected-path")) return; // /proc/N/environ style: hardening, not indexing
        assertEquals(expected, actual, POLICIES.get(pi) + " " + op + " " + path);
    }

    static final java.util.Map<Integer, Policy> POLICY_CACHE = new java.util.concurrent.ConcurrentHashMap<>();
    static final java.util.Map<Integer, Engine> ENGINE_CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    static Policy load(String rel) {
        try { return PolicyLoader.load(Compat.file(rel)); } catch (PolicyException e) { throw new AssertionError(e.getMessage()); }
    }

    static Engine compile(Policy p) {
        EngineOptions o = EngineOptions.builder().variable("HOME", "/nohome").variable("PROJECT_ROOT", "/w")
                .variable("GIT_ROOT", "/w").environment(k -> null).strictReads(true).protectedPaths(List.of()).build();
        try { return Engine.compile(p, o); } catch (PolicyException e) { throw new AssertionError(e.getMessage()); }
    }

    @Provide Arbitrary<Integer> policyIndex() { return Arbitraries.integers().between(0, POLICIES.size() - 1); }

    @Provide Arbitrary<FileOperation> ops() {
        return Arbitraries.of(FileOperation.READ, FileOperation.OPEN, FileOperation.WRITE, FileOperation.DELETE, FileOperation.STAT,
                FileOperation.MKDIR);
    }

    static String linear(Policy p, String path, FileOperation op) throws Exception {
        for (FileRule r : p.fileRules()) {
            boolean opOk = r.operations().isEmpty() || r.operations().contains("*") || r.operations().contains(op.wireName());
            if (!opOk) continue;
            for (String raw : r.paths()) {
                String pat = raw.replace("${HOME}", "/nohome").replace("${PROJECT_ROOT}", "/w").replace("${GIT_ROOT}", "/w");
                if (pat.contains("${")) continue;
                if (Glob.compile(pat, '/').matches(path)) return r.name();
            }
        }
        return op.isReadLike() ? "default-allow-reads" : "default-deny-files";
    }
}
