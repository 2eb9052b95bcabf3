package io.agentsh.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.TestDaemon;
import io.agentsh.core.fuse.WorkspaceMounts;
import io.agentsh.core.ns.MountTable;
import io.agentsh.core.json.Json;
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
 * The FUSE layer in a real daemon with the exe.dev config (fuse enabled, deferred, soft_delete
 * audit mode) and policy: the view is mounted before the session's first command; its commands
 * see it at the real workspace path (the session's mount namespace) while the daemon's namespace
 * sees the plain directory; workspace_mount is the view; rm and mv over a file under the
 * soft_delete rule land in the trash (once: the view's, not also the supervisor's) and restore;
 * the view goes with the session and with the daemon. Needs root, /dev/fuse and the built exec wrapper.
 */
class FuseLayerTest {
    static TestDaemon d;
    @TempDir static Path tmp;
    static Path ws;
    static String sid;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (FUSE mount, mount namespaces)");
        assumeTrue(WorkspaceMounts.fuseAvailable(), "/dev/fuse not usable");
        assumeTrue(KernelLayer.unavailableReason() == null, "kernel layer unavailable: " + KernelLayer.unavailableReason());
        Path exe = TestDaemon.compat().resolve("exe.dev");
        // exe.dev as shipped, with its state (trash, session dirs) moved under a temp dir.
        String yaml = Files.readString(exe.resolve("config.yaml"))
                .replace("base_dir: \"/var/lib/agentsh/sessions\"", "base_dir: \"" + tmp.resolve("sessions") + "\"")
                .replace("      mode: \"soft_delete\"\n", "      mode: \"soft_delete\"\n      trash_path: \"" + tmp.resolve("trash") + "\"\n");
        ServerConfig cfg = ServerConfigLoader.parse("exe.dev/config.yaml", yaml, k -> null).config();
        assertEquals(tmp.resolve("sessions"), cfg.sessionsBaseDir());
        FilePolicyProvider policies = new FilePolicyProvider(exe, "default",
                cfg.engineOptions().execveEnforcement(true), Duration.ofSeconds(1));
        d = TestDaemon.start(policies, b -> b.policiesDir = exe);
        TrashLayer trash = TrashLayer.install(d.daemon, cfg);
        assertNotNull(trash);
        MountNamespaceLayer ns = MountNamespaceLayer.install(d.daemon);
        assertNotNull(ns);
        FuseLayer fuse = FuseLayer.install(d.daemon, cfg, trash.deleter("fuse"), ns);
        assertNotNull(fuse);
        assertNotNull(KernelLayer.install(d.daemon, cfg, SupervisorOptions.DEFAULT.withSoftDeleter(trash.deleter()), ns, fuse));
        d.daemon.sessions().addListener(ns);
        ws = Files.createDirectory(tmp.resolve("ws")).toRealPath();
        sid = d.session(ws, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (d != null) d.close();
        if (tmp != null) assertFalse(MountTable.read().stream().anyMatch(m -> m.mountPoint().startsWith(tmp) && m.fsType().startsWith("fuse")), "no view left mounted after the daemon stopped");
    }

    private static JsonNode exec(String script) throws Exception {
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"sh\",\"args\":[\"-c\"," + Json.encode(script) + "]}");
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void commandsSeeTheViewAtTheWorkspacePath() throws Exception {
        JsonNode j = exec("stat -f -c %T " + ws + "; pwd");
        assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
        String[] out = j.at("/result/stdout").asText().split("\n");
        assertEquals("fuseblk", out[0], "inside the session: " + j);
        assertEquals(ws.toString(), out[1], "the command keeps its working directory (by path) in the namespace");
        Process p = new ProcessBuilder("stat", "-f", "-c", "%T", ws.toString()).redirectErrorStream(true).start();
        String host = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        assertNotEquals("fuseblk", host, "the daemon's namespace sees the plain directory");

        JsonNode s = d.get("/api/v1/sessions/" + sid).json();
        String mount = s.get("workspace_mount").asText();
        assertEquals(tmp.resolve("sessions").resolve(sid).resolve("workspace-mnt").toString(), mount, s.toString());
        assertTrue(MountTable.isFuseMount(Path.of(mount)), "workspace_mount is a FUSE mount: " + mount);

        // The mount is audited, with whether the kernel took the view's open files (passthrough).
        String history = "";
        for (int i = 0; i < 50 && !history.contains("fuse_mounted"); i++) {
            history = d.get("/api/v1/sessions/" + sid + "/history").body();
            if (!history.contains("fuse_mounted")) Thread.sleep(100);
        }
        assertTrue(history.contains("\"type\":\"fuse_mounted\""), history);
        assertTrue(history.contains("\"passthrough\":"), "fuse_mounted says whether passthrough is on: " + history);
    }

    /** The token of the one trash entry for {@code f} (fails if there is none or more than one). */
    private static String onlyToken(Path f) throws Exception {
        TestDaemon.Reply list = d.get("/api/v1/trash");
        assertEquals(200, list.status(), list.body());
        String token = null;
        int n = 0;
        for (JsonNode e : list.json()) {
            if (e.get("original_path").asText().equals(f.toString())) { token = e.get("token").asText(); n++; }
        }
        assertEquals(1, n, "exactly one trash entry for " + f + ": " + list.body());
        return token;
    }

    @Test
    void deleteUnderSoftDeleteRuleGoesToTheTrashAndRestores() throws Exception {
        Path f = ws.resolve("keep-me.txt");
        Files.writeString(f, "precious\n");
        JsonNode j = exec("rm " + f);
        assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
        assertFalse(Files.exists(f), "rm removed the file from the workspace: " + j);
        String token = onlyToken(f);
        TestDaemon.Reply r = d.post("/api/v1/trash/" + token + "/restore", "{}");
        assertEquals(200, r.status(), r.body());
        assertEquals("precious\n", Files.readString(f));
    }

    @Test
    void aFileReplacedByMvGoesToTheTrash() throws Exception {
        Path f = ws.resolve("target.txt");
        Files.writeString(f, "the original\n");
        Files.writeString(ws.resolve("other.txt"), "the other\n");
        JsonNode j = exec("mv " + ws.resolve("other.txt") + " " + f + " && cat " + f);
        assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
        assertEquals("the other\n", j.at("/result/stdout").asText());
        String token = onlyToken(f);
        TestDaemon.Reply refused = d.post("/api/v1/trash/" + token + "/restore", "{}");
        assertEquals(409, refused.status(), "the destination exists: " + refused.body());
        assertEquals("the other\n", Files.readString(f));
        TestDaemon.Reply r = d.post("/api/v1/trash/" + token + "/restore", "{\"force\":true}");
        assertEquals(200, r.status(), r.body());
        assertEquals("the original\n", Files.readString(f));
    }

    @Test
    void theViewGoesWithItsSession() throws Exception {
        Path other = Files.createDirectory(tmp.resolve("ws2")).toRealPath();
        String id = d.session(other, null);
        assertEquals(other.toString(), d.get("/api/v1/sessions/" + id).json().get("workspace_mount").asText(),
                "deferred: no view before the first command");
        assertEquals(200, d.post("/api/v1/sessions/" + id + "/exec", "{\"command\":\"true\"}").status());
        Path mount = Path.of(d.get("/api/v1/sessions/" + id).json().get("workspace_mount").asText());
        assertTrue(MountTable.isFuseMount(mount), mount.toString());
        assertEquals(204, d.send("DELETE", "/api/v1/sessions/" + id, null).status());
        assertFalse(MountTable.isFuseMount(mount), "unmounted when the session ended");
    }
}
