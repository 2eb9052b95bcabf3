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
import java.util.List;
import java.time.Duration;
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
        if (d == null) return;
        d.close();
        // The daemon's close removes the pool's ready cgroups (none named after this JVM is left).
        String mine = io.agentsh.core.cgroup.CommandCgroups.PREFIX + "pool-" + ProcessHandle.current().pid() + "-";
        try (var s = Files.find(Path.of("/sys/fs/cgroup"), 6,
                (p, a) -> a.isDirectory() && p.getFileName().toString().startsWith(mine))) {
            List<Path> left = s.toList();
            assertTrue(left.isEmpty(), "ready cgroups left after the daemon closed: " + left);
        }
    }

    @Test
    void forkBombIsBoundedByPidsMaxAndResourcesAreReported() throws Exception {
        // Up to 300 children that stay alive 3 s (then exit): the shell prints a line per fork that worked.
        String script = "cat /proc/self/cgroup; for i in $(seq 300); do sleep 3 >/dev/null 2>&1 & echo $i; done";
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
        // The command's cgroup is removed after it finished (in the background: the response does not wait for rmdir).
        List<Path> dirs = cgroupDirs(j.at("/result/stdout").asText());
        assertFalse(dirs.isEmpty(), "the command ran in a cgroup of its own: " + j);
        awaitGone(dirs);
    }

    @Test
    void aCommandWithinTheLimitsRunsNormally() throws Exception {
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"sh\",\"args\":[\"-c\",\"echo inside; cat /proc/self/cgroup\"]}");
        JsonNode j = r.json();
        assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
        String out = j.at("/result/stdout").asText();
        List<Path> dirs = cgroupDirs(out);
        assertFalse(dirs.isEmpty(), "the command runs in its own cgroup: " + out);
        // A second command never gets the first one's cgroup (pool entries are not shared).
        JsonNode k = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"sh\",\"args\":[\"-c\",\"cat /proc/self/cgroup\"]}").json();
        List<Path> second = cgroupDirs(k.at("/result/stdout").asText());
        assertFalse(second.isEmpty(), k.toString());
        for (Path p : second) assertFalse(dirs.contains(p), "two commands in one cgroup: " + p);
        awaitGone(dirs);
        awaitGone(second);
    }

    /** The command's own cgroup directories, from its /proc/self/cgroup ("N:controllers:/path" lines). */
    private static List<Path> cgroupDirs(String procSelfCgroup) {
        List<Path> out = new java.util.ArrayList<>();
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.strip().split(":", 3);
            if (f.length != 3 || !f[2].contains("/" + io.agentsh.core.cgroup.CommandCgroups.PREFIX)) continue;
            Path mount = Path.of("/sys/fs/cgroup"); // v2
            for (String c : f[1].isEmpty() ? new String[0] : f[1].split(",")) { // v1: co-mounted controllers
                if (Files.isDirectory(Path.of("/sys/fs/cgroup", c))) {
                    mount = Path.of("/sys/fs/cgroup", c);
                    break;
                }
            }
            out.add(Path.of(mount + f[2]));
        }
        return out;
    }

    private static void awaitGone(List<Path> dirs) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (dirs.stream().anyMatch(Files::exists)) {
            assertTrue(System.nanoTime() < deadline, "cgroup left behind: " + dirs.stream().filter(Files::exists).toList());
            Thread.sleep(20);
        }
    }
}
