package io.agentsh.core.layers;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.TestDaemon;
import io.agentsh.core.kernel.supervisor.SupervisorOptions;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads decided in the kernel, in a real daemon (exe.dev config: Landlock, capabilities dropped)
 * with a policy whose read rules are all literal or DIR/**: the session gets a mount namespace
 * with masks, a denied read fails with EACCES without a round trip, an allowed one works and adds
 * no notification, and a masked file the host replaces is masked again before the next command.
 * Needs root and the built exec wrapper.
 */
class KernelMaskedReadsTest {
    @TempDir Path tmp;
    TestDaemon d;

    @AfterEach
    void stop() throws Exception {
        if (d != null) d.close();
    }

    private MountNamespaceLayer nsLayer;

    private String start() throws Exception {
        return start("");
    }

    /** {@code extraRules}: file rules (YAML list items) placed first. */
    private String start(String extraRules) throws Exception {
        return start(extraRules, tmp.resolve("ws"), false);
    }

    /** As above, with the session's workspace {@code ws}; {@code fuse}: with the FUSE layer (deferred view). */
    private String start(String extraRules, Path ws, boolean fuse) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(KernelLayer.unavailableReason() == null, "kernel layer unavailable: " + KernelLayer.unavailableReason());
        Path policies = Files.createDirectories(tmp.resolve("policies"));
        Files.writeString(policies.resolve("default.yaml"), """
                version: 1
                name: masked-reads
                command_rules:
                  - name: allow-all
                    commands: ["*"]
                    decision: allow
                file_rules:
                %2$s
                  - name: deny-secret
                    paths: ["%1$s/secret", "%1$s/secret/**", "%1$s/shadow"]
                    operations: ["*"]
                    decision: deny
                  - name: deny-proc-sys
                    paths: ["/proc/**", "/sys/**"]
                    operations: ["*"]
                    decision: deny
                  - name: allow-tmp
                    paths: ["%1$s/open.txt", "%1$s/ws", "%1$s/ws/**"]
                    operations: ["*"]
                    decision: allow
                  - name: allow-system-read
                    paths: ["/usr/**", "/lib/**", "/lib64/**", "/bin/**", "/sbin/**"]
                    operations: [read, open, stat, list, readlink]
                    decision: allow
                  - name: default-deny-files
                    paths: ["**"]
                    operations: ["*"]
                    decision: deny
                """.formatted(tmp, extraRules.isEmpty() ? "" : extraRules.indent(2).stripTrailing()));
        // The exe.dev config plus a protected path with a wildcard in a directory of our own.
        String exe = Files.readString(TestDaemon.compat().resolve("exe.dev/config.yaml"));
        Path cfgFile = Files.createDirectories(tmp.resolve("etc")).resolve("config.yaml"); // data_dir = its directory
        if (fuse) exe = exe.replace("base_dir: \"/var/lib/agentsh/sessions\"", "base_dir: \"" + tmp.resolve("sessions") + "\"");
        Files.writeString(cfgFile, exe.replaceFirst("(?m)^sandbox:\\n", "sandbox:\n  protected_paths: [\"/etc/shadow\", \""
                + tmp + "/keys/host_*\"]\n"));
        LoadedConfig cfg = ServerConfigLoader.load(cfgFile);
        assertTrue(cfg.config().strings("sandbox.protected_paths").size() == 2, "config edit applied");
        FilePolicyProvider provider = new FilePolicyProvider(policies, "default",
                cfg.config().engineOptions().execveEnforcement(true), Duration.ofSeconds(1));
        d = TestDaemon.start(provider, b -> b.policiesDir = policies);
        MountNamespaceLayer ns = MountNamespaceLayer.install(d.daemon, tmp.resolve("ns"));
        nsLayer = ns;
        assertNotNull(ns);
        FuseLayer view = null;
        if (fuse) {
            // No soft_delete in these tests: the view needs no deleter.
            view = FuseLayer.install(d.daemon, cfg.config(), null, ns);
            assertNotNull(view);
        }
        assertNotNull(KernelLayer.install(d.daemon, cfg.config(), SupervisorOptions.DEFAULT, ns, view));
        d.daemon.sessions().addListener(ns);
        Files.createDirectories(ws);
        return d.session(ws, null);
    }

    private JsonNode exec(String sid, String cmd, String... args) throws Exception {
        StringBuilder a = new StringBuilder();
        for (String x : args) a.append(a.isEmpty() ? "" : ",").append(io.agentsh.core.json.Json.encode(x));
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"" + cmd + "\",\"args\":[" + a + "]}");
        assertTrue(r.status() == 200 || r.status() == 403, r.body());
        return r.json();
    }

    private long kernelNotifications() throws Exception {
        Matcher m = Pattern.compile("agentsh_seccomp_notifications_total\\{reads=\"kernel\"} (\\d+)").matcher(d.get("/metrics").body());
        assertTrue(m.find(), "no notification counter on /metrics");
        return Long.parseLong(m.group(1));
    }

    /**
     * A session whose reads are decided in the kernel, with a FUSE view of its workspace: Landlock's
     * read rule on the workspace holds in the view too. The workspace is under /run, which no read
     * rule covers from above (under the test's temp dir, /tmp's rule would).
     */
    @Test
    void readsInTheKernelWorkInTheSessionsFuseView() throws Exception {
        assumeTrue(io.agentsh.core.fuse.WorkspaceMounts.fuseAvailable(), "/dev/fuse not usable");
        Path base = Files.createTempDirectory(Path.of("/run"), "agentsh-masked-view-");
        try {
            Path ws = base.resolve("ws");
            String sid = start("""
                      - name: allow-view-ws
                        paths: ["%1$s", "%1$s/**"]
                        operations: ["*"]
                        decision: allow""".formatted(ws), ws, true);
            Files.writeString(ws.resolve("in-ws.txt"), "in the view");
            JsonNode j = exec(sid, "sh", "-c", "stat -f -c %T " + ws + " && cat " + ws + "/in-ws.txt && ls " + ws);
            assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
            assertEquals("fuseblk\nin the viewin-ws.txt\n", j.at("/result/stdout").asText(), j.toString());
        } finally {
            if (d != null) { d.close(); d = null; }
            try (var walk = Files.walk(base)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aSessionNamespaceAnotherLayerMadeIsJoinedWithReadsTrapped() throws Exception {
        Files.writeString(tmp.resolve("open.txt"), "hello");
        // **/.env cannot be expressed in the kernel: this session's reads stay trapped.
        String sid = start("""
                  - name: deny-env
                    paths: ["**/.env"]
                    operations: ["*"]
                    decision: deny""");
        assertEquals("hello", exec(sid, "cat", tmp.resolve("open.txt").toString()).at("/result/stdout").asText());
        // A layer (a FUSE view, say) makes the session's namespace and mounts something there.
        var ns = nsLayer.forSession(d.daemon.sessions().find(sid));
        ns.mask(tmp.resolve("open.txt"), io.agentsh.core.ns.SessionMountNamespace.Mask.FILE_NO_ACCESS);
        JsonNode inside = exec(sid, "cat", tmp.resolve("open.txt").toString());
        assertNotEquals(0, inside.at("/result/exit_code").asInt(), "the command runs in the session's namespace: " + inside);
        assertEquals("hello", Files.readString(tmp.resolve("open.txt")));
    }

    @Test
    void aProtectedEntryTheHostAddsLaterIsMaskedBeforeTheNextCommand() throws Exception {
        Files.createDirectories(tmp.resolve("keys"));
        Files.writeString(tmp.resolve("keys/host_a"), "KEY-A");
        Files.writeString(tmp.resolve("keys/public"), "PUB");
        String sid = start();
        assertNotEquals(0, exec(sid, "cat", tmp.resolve("keys/host_a").toString()).at("/result/exit_code").asInt());
        assertEquals("PUB", exec(sid, "cat", tmp.resolve("keys/public").toString()).at("/result/stdout").asText());
        Files.writeString(tmp.resolve("keys/host_b"), "KEY-B");
        JsonNode b = exec(sid, "cat", tmp.resolve("keys/host_b").toString());
        assertNotEquals(0, b.at("/result/exit_code").asInt(), b.toString());
        assertFalse(b.at("/result/stdout").asText().contains("KEY-B"), b.toString());
    }

    @Test
    void deniedReadsFailInTheKernelAndAllowedReadsCostNoNotification() throws Exception {
        Files.createDirectories(tmp.resolve("secret"));
        Files.writeString(tmp.resolve("secret/id_rsa"), "PRIVATE-KEY");
        Files.writeString(tmp.resolve("shadow"), "root:HASH");
        Files.writeString(tmp.resolve("open.txt"), "hello");
        String sid = start();

        JsonNode key = exec(sid, "cat", tmp.resolve("secret/id_rsa").toString());
        assertNotEquals(0, key.at("/result/exit_code").asInt(), key.toString());
        assertFalse(key.at("/result/stdout").asText().contains("PRIVATE-KEY"));
        assertTrue(key.at("/result/stderr").asText().contains("Permission denied"), key.toString());

        // A warm-up command, then the allowed read: its counter must move by the exec alone.
        exec(sid, "true");
        long before = 0, after = 0;
        for (int i = 0; i < 50 && before == 0; i++) { before = kernelNotifications(); if (before == 0) Thread.sleep(100); }
        assertTrue(before > 0, "the session's commands run with reads in the kernel");
        JsonNode ok = exec(sid, "cat", tmp.resolve("open.txt").toString());
        assertEquals(0, ok.at("/result/exit_code").asInt(), ok.toString());
        assertEquals("hello", ok.at("/result/stdout").asText());
        for (int i = 0; i < 50 && (after = kernelNotifications()) == before; i++) Thread.sleep(100);
        // cat's own execve is the one notification; its loader's and its own read-only opens (about
        // ten) stay in the kernel. Trapped, each would be one more.
        assertTrue(after - before <= 2, "notifications for an allowed read: " + (after - before));

        JsonNode proc = exec(sid, "cat", "/proc/self/status");
        assertNotEquals(0, proc.at("/result/exit_code").asInt(), "/proc is denied in the kernel (Landlock): " + proc);

        // The host replaces the masked file (as passwd does): the next command finds it masked again.
        Files.writeString(tmp.resolve("shadow.new"), "root:NEWHASH");
        Files.move(tmp.resolve("shadow.new"), tmp.resolve("shadow"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        JsonNode shadow = exec(sid, "cat", tmp.resolve("shadow").toString());
        assertNotEquals(0, shadow.at("/result/exit_code").asInt(), shadow.toString());
        assertFalse(shadow.at("/result/stdout").asText().contains("HASH"), shadow.toString());
    }
}
