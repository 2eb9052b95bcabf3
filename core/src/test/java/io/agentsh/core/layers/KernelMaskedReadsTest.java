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

    private String start() throws Exception {
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
                """.formatted(tmp));
        // The exe.dev config plus a protected path with a wildcard in a directory of our own.
        String exe = Files.readString(TestDaemon.compat().resolve("exe.dev/config.yaml"));
        Path cfgFile = Files.createDirectories(tmp.resolve("etc")).resolve("config.yaml"); // data_dir = its directory
        Files.writeString(cfgFile, exe.replaceFirst("(?m)^sandbox:\\n", "sandbox:\n  protected_paths: [\"/etc/shadow\", \""
                + tmp + "/keys/host_*\"]\n"));
        LoadedConfig cfg = ServerConfigLoader.load(cfgFile);
        assertTrue(cfg.config().strings("sandbox.protected_paths").size() == 2, "config edit applied");
        FilePolicyProvider provider = new FilePolicyProvider(policies, "default",
                cfg.config().engineOptions().execveEnforcement(true), Duration.ofSeconds(1));
        d = TestDaemon.start(provider, b -> b.policiesDir = policies);
        MountNamespaceLayer ns = MountNamespaceLayer.install(d.daemon, tmp.resolve("ns"));
        assertNotNull(ns);
        assertNotNull(KernelLayer.install(d.daemon, cfg.config(), SupervisorOptions.DEFAULT, ns));
        d.daemon.sessions().addListener(ns);
        Path ws = Files.createDirectories(tmp.resolve("ws"));
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
