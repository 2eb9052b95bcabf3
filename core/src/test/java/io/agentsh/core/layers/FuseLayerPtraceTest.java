package io.agentsh.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.TestDaemon;
import io.agentsh.core.fuse.WorkspaceMounts;
import io.agentsh.core.json.Json;
import io.agentsh.core.kernel.landlock.LandlockAbi;
import io.agentsh.core.kernel.supervisor.SupervisorOptions;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FUSE view under the ptrace backend (the suite's second config, exe.dev in ptrace mode, with
 * Landlock): the tracee's own open runs in the kernel after the tracer's check, so Landlock must
 * grant the workspace rights on the view's inodes too, including for a deferred view mounted just
 * before the session's first command (the plan is rebuilt with it). The workspace is outside every
 * directory a Landlock rule covers from above (as /root in the VM suite). Needs root, /dev/fuse,
 * Landlock and the built exec wrapper.
 */
class FuseLayerPtraceTest {
    static TestDaemon d;
    @TempDir static Path tmp;
    /**
     * The workspaces' parent: under /run, which Landlock lets the session read but not write, as
     * nothing above /root grants writing in the VM suite. Not under /tmp or the project root (the
     * worktree), whose write rules would cover the view's files from above: Landlock's walk up
     * from the view skips the covered mount point but reaches its ancestors. Removed afterwards.
     */
    static Path outside;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (FUSE mount, mount namespaces)");
        assumeTrue(WorkspaceMounts.fuseAvailable(), "/dev/fuse not usable");
        assumeTrue(LandlockAbi.probe() > 0, "no Landlock on this kernel");
        assumeTrue(KernelLayer.unavailableReason() == null, "kernel layer unavailable: " + KernelLayer.unavailableReason());
        Path exe = TestDaemon.compat().resolve("exe.dev");
        String yaml = Files.readString(ptraceConfig())
                .replace("base_dir: \"/var/lib/agentsh/sessions\"", "base_dir: \"" + tmp.resolve("sessions") + "\"")
                .replace("      mode: \"soft_delete\"\n", "      mode: \"soft_delete\"\n      trash_path: \"" + tmp.resolve("trash") + "\"\n");
        ServerConfig cfg = ServerConfigLoader.parse("exe.dev/config-ptrace.yaml", yaml, k -> null).config();
        assertEquals("ptrace", cfg.string("security.mode"));
        assumeTrue(cfg.bool("landlock.enabled"), "the ptrace config has Landlock on");
        FilePolicyProvider policies = new FilePolicyProvider(exe, "default",
                cfg.engineOptions().execveEnforcement(true), Duration.ofSeconds(1));
        d = TestDaemon.start(policies, b -> b.policiesDir = exe);
        TrashLayer trash = TrashLayer.install(d.daemon, cfg);
        MountNamespaceLayer ns = MountNamespaceLayer.install(d.daemon);
        assertNotNull(ns);
        FuseLayer fuse = FuseLayer.install(d.daemon, cfg, trash.deleter("fuse"), ns);
        assertNotNull(fuse);
        assertNotNull(KernelLayer.install(d.daemon, cfg, SupervisorOptions.DEFAULT.withSoftDeleter(trash.deleter()), ns, fuse));
        d.daemon.sessions().addListener(ns);
        outside = Files.createTempDirectory(Path.of("/run"), "agentsh-fuse-ptrace-").toRealPath();
    }

    private static Path ptraceConfig() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("packaging/testbed/compat/exe.dev/config-ptrace.yaml");
            if (Files.isRegularFile(c)) return c;
        }
        throw new IllegalStateException("packaging/testbed/compat/exe.dev/config-ptrace.yaml not found");
    }

    @AfterAll
    static void stop() throws Exception {
        if (d != null) d.close();
        if (outside != null) {
            try (var walk = Files.walk(outside)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static JsonNode exec(String sid, String script) throws Exception {
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"bash\",\"args\":[\"-c\"," + Json.encode(script) + "]}");
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void theFirstCommandWritesAndListsTheWorkspaceThroughTheDeferredView() throws Exception {
        Path ws = Files.createDirectory(outside.resolve("ws")).toRealPath();
        Files.writeString(ws.resolve("there.txt"), "x\n");
        String sid = d.session(ws, null);
        JsonNode j = exec(sid, "stat -f -c %T " + ws + " && echo 'workspace data' > " + ws + "/new.txt && ls " + ws);
        assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
        assertEquals("fuseblk\nnew.txt\nthere.txt\n", j.at("/result/stdout").asText(), j.toString());
        assertEquals("workspace data\n", Files.readString(ws.resolve("new.txt")));
        // A later command gets the same (cached) plan and still works in the view.
        JsonNode k = exec(sid, "mkdir " + ws + "/sub && echo more > " + ws + "/sub/f && cat " + ws + "/sub/f");
        assertEquals(0, k.at("/result/exit_code").asInt(), k.toString());
        assertEquals("more\n", k.at("/result/stdout").asText(), k.toString());
    }

    @Test
    void aPtyCommandUnderPtraceOpensItsOwnTerminalAsDevTty() throws Exception {
        Path ws = Files.createDirectory(outside.resolve("ws-pty")).toRealPath();
        String sid = d.session(ws, null);
        io.agentsh.core.PtyExecTest.Client c = io.agentsh.core.PtyExecTest.Client.open(d, sid);
        c.send(java.util.Map.of("type", "start", "command", "sh", "args", java.util.List.of("-c",
                "echo via-dev-tty >/dev/tty; echo \"tty=$?\"")));
        JsonNode exit = c.last.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("exit", exit.path("type").asText(), exit.toString());
        String out = c.output();
        // The kernel opens the terminal behind /dev/tty; the fd keeps /dev/tty's inode, which the open check expects.
        org.junit.jupiter.api.Assertions.assertTrue(out.contains("via-dev-tty") && out.contains("tty=0"), exit + " output: " + out);
        assertEquals(0, exit.path("exit_code").asInt(-1), exit.toString());
    }
}
