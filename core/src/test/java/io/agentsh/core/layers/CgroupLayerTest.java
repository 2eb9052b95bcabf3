package io.agentsh.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.TestDaemon;
import io.agentsh.core.cgroup.CgroupLayout;
import io.agentsh.core.kernel.supervisor.SupervisorOptions;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-command cgroups in a real daemon with the exe.dev config (sandbox.cgroups.enabled) and policy
 * (resource_limits.pids_max: 100): a bounded fork bomb stops at the limit, the response carries
 * the command's resources, and the cgroup is gone afterwards. Needs root, the exec wrapper and a
 * cgroup hierarchy with a pids controller.
 */
class CgroupLayerTest {
    static TestDaemon d;
    static String sid;
    @TempDir static Path ws;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (cgroups, seccomp listener)");
        assumeTrue(KernelLayer.unavailableReason() == null, "kernel layer unavailable: " + KernelLayer.unavailableReason());
        try {
            CgroupLayout.probe().backend(null, io.agentsh.core.cgroup.CgroupFs.REAL);
        } catch (java.io.IOException e) {
            assumeTrue(false, "no usable cgroup hierarchy: " + e.getMessage());
        }
        Path exe = TestDaemon.compat().resolve("exe.dev");
        LoadedConfig cfg = ServerConfigLoader.load(exe.resolve("config.yaml"));
        assertTrue(cfg.config().bool("sandbox.cgroups.enabled"));
        FilePolicyProvider policies = new FilePolicyProvider(exe, "default",
                cfg.config().engineOptions().execveEnforcement(true), Duration.ofSeconds(1));
        d = TestDaemon.start(policies, b -> b.policiesDir = exe);
        assertNotNull(KernelLayer.install(d.daemon, cfg.config(), SupervisorOptions.DEFAULT));
        sid = d.session(ws, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (d != null) d.close();
    }

    @Test
    void forkBombIsBoundedByPidsMaxAndResourcesAreReported() throws Exception {
        // Up to 300 children that stay alive 3 s (then exit): the shell prints a line per fork that worked.
        String script = "for i in $(seq 300); do sleep 3 >/dev/null 2>&1 & echo $i; done";
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"sh\",\"args\":[\"-c\"," + io.agentsh.core.json.Json.encode(script) + "]}");
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        String[] lines = j.at("/result/stdout").asText().strip().split("\n");
        int forked = Integer.parseInt(lines[lines.length - 1].strip());
        assertTrue(forked < 100, "forked " + forked + " children, pids_max is 100 (sh itself is one): " + j);
        assertTrue(forked > 10, "the command ran and forked: " + j);
        JsonNode res = j.at("/resources");
        assertFalse(res.isMissingNode(), "the response has resources: " + j);
        assertTrue(res.path("memory_peak_kb").asLong() > 0, "memory peak reported: " + res);
        // The command's cgroup is removed after it finished (nothing named after the session is left).
        String cmd = j.at("/command_id").asText();
        assertFalse(leftOver(sid), "cgroup of " + cmd + " left behind");
    }

    @Test
    void aCommandWithinTheLimitsRunsNormally() throws Exception {
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"sh\",\"args\":[\"-c\",\"echo inside; cat /proc/self/cgroup\"]}");
        JsonNode j = r.json();
        assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
        String out = j.at("/result/stdout").asText();
        assertTrue(out.contains("agentsh-" + sid + "-"), "the command runs in its own cgroup: " + out);
        assertFalse(leftOver(sid));
    }

    private static boolean leftOver(String sessionId) throws Exception {
        try (Stream<Path> s = Files.find(Path.of("/sys/fs/cgroup"), 5,
                (p, a) -> a.isDirectory() && p.getFileName().toString().startsWith("agentsh-" + sessionId + "-"))) {
            return s.findAny().isPresent();
        }
    }
}
