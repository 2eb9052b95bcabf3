package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file in ../shared/compat loads: config.yaml files as server configs (with the policies in
 * their folder), reference-api-keys.yaml as the API keys file, everything else as a policy
 * (validated and compiled). New files are covered automatically.
 */
class CompatTest {
    static final EngineOptions OPTS = EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", "/root")
            .variable("GIT_ROOT", "/root").environment(k -> null).build();

    @TestFactory
    Stream<DynamicTest> everyCompatFileLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Compat.dir())) {
            files = s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
        assertFalse(files.isEmpty());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            String name = Compat.dir().relativize(f).toString();
            if (f.getFileName().toString().equals("reference-api-keys.yaml")) {
                tests.add(DynamicTest.dynamicTest("api keys " + name, () -> assertFalse(ApiKeysLoader.load(f).isEmpty())));
                continue;
            }
            if (f.getFileName().toString().startsWith("config.") || f.getFileName().toString().equals("reference-server-config.yaml")) {
                tests.add(DynamicTest.dynamicTest("config " + name, () -> loadConfig(f)));
            } else {
                tests.add(DynamicTest.dynamicTest("policy " + name, () -> loadPolicy(f)));
            }
        }
        return tests.stream();
    }

    static void loadPolicy(Path f) throws Exception {
        Policy p;
        try {
            p = PolicyLoader.load(f);
        } catch (PolicyException e) {
            throw new AssertionError("policy " + f + " failed:\n" + e.getMessage());
        }
        assertTrue(p.version() > 0);
        Engine e = Engine.compile(p, OPTS);
        // the global engine (no session variables) must compile too
        Engine.compile(p, EngineOptions.global().toBuilder().environment(k -> k.equals("HOME") ? "/root" : null).build());
        e.checkFile("/tmp/x", FileOperation.WRITE);
    }

    static void loadConfig(Path f) throws Exception {
        LoadedConfig lc;
        try {
            lc = ServerConfigLoader.load(f, k -> null);
        } catch (PolicyException e) {
            throw new AssertionError("config " + f + " failed:\n" + e.getMessage());
        }
        for (Problem w : lc.warnings()) System.out.println(w);
        lc.config().engineOptions().build();
        // the policies beside the config (its own folder) load with it
        try (Stream<Path> s = Files.list(f.getParent())) {
            for (Path p : s.filter(x -> x.toString().endsWith(".yaml") && !x.equals(f)
                    && !x.getFileName().toString().startsWith("config.") && !x.getFileName().toString().startsWith("reference-")).toList()) {
                Engine.compile(PolicyLoader.load(p), lc.config().engineOptions().variables(OPTS.variables()).environment(k -> null).build());
            }
        }
        assertEquals(lc.config().source(), f.toString());
    }
}
