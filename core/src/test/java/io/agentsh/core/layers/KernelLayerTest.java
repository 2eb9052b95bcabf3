package io.agentsh.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.TestDaemon;
import io.agentsh.core.kernel.detect.MechanismProbes;
import io.agentsh.core.kernel.supervisor.SupervisorOptions;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel layer in a real daemon with the exe.dev config and policy: commands the API pre-check
 * lets through (an opaque sh -c script) are stopped inside by the supervisor, with events in the
 * audit log. Needs root and the built exec wrapper (shim-native/target/bin).
 */
class KernelLayerTest {
    static TestDaemon d;
    static String sid;
    @TempDir static Path ws;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (seccomp listener, Landlock)");
        assumeTrue(KernelLayer.unavailableReason() == null, "kernel layer unavailable: " + KernelLayer.unavailableReason());
        Path exe = TestDaemon.compat().resolve("exe.dev");
        LoadedConfig cfg = ServerConfigLoader.load(exe.resolve("config.yaml"));
        assertTrue(KernelLayer.wanted(cfg.config()));
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

    private static JsonNode exec(String script) throws Exception {
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"sh\",\"args\":[\"-c\"," + io.agentsh.core.json.Json.encode(script) + "]}");
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void ptyCommandIsArmedHasItsTerminalAndIsDeniedInsideLikeNonPty() throws Exception {
        io.agentsh.core.PtyExecTest.Client c = io.agentsh.core.PtyExecTest.Client.open(d, sid);
        c.send(java.util.Map.of("type", "start", "command", "sh", "args", java.util.List.of("-c",
                "grep Seccomp: /proc/self/status; python3 -c 'import os; print(\"FG\", os.tcgetpgrp(0) == os.getpgrp())'; "
                        + "cat /etc/shadow; echo \"cat=$?\"; echo via-dev-tty >/dev/tty; echo \"tty=$?\"")));
        JsonNode exit = c.last.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("exit", exit.path("type").asText(), exit.toString());
        String out = c.output();
        assertTrue(out.contains("Seccomp:\t2"), "armed by the wrapper: " + out);
        assertTrue(out.contains("FG True"), "the pty is the command's controlling terminal (wrapper --ctty): " + out);
        assertTrue(out.contains("Permission denied") && !out.contains("root:"), out);
        assertFalse(out.contains("cat=0"), out);
        // The supervisor opens /dev/tty for the command: it must be the command's terminal, not the daemon's (none).
        assertTrue(out.contains("via-dev-tty") && out.contains("tty=0"), "/dev/tty is the command's pty: " + out);
    }

    @Test
    void allowedCommandRunsArmed() throws Exception {
        JsonNode j = exec("echo armed-ok; grep Seccomp: /proc/self/status");
        assertEquals(0, j.at("/result/exit_code").asInt(), j.toString());
        String out = j.at("/result/stdout").asText();
        assertTrue(out.startsWith("armed-ok"), out);
        assertTrue(out.contains("Seccomp:\t2"), "the command runs under a seccomp filter: " + out);
    }

    @Test
    void protectedReadInsideAnOpaqueScriptIsDeniedByTheKernel() throws Exception {
        JsonNode j = exec("echo started; cat /etc/shadow");
        String out = j.at("/result/stdout").asText();
        assertTrue(out.startsWith("started"), "the script itself ran: " + j);
        assertFalse(out.contains("root:"), out);
        assertNotEquals(0, j.at("/result/exit_code").asInt());
        assertTrue(j.at("/result/stderr").asText().contains("Permission denied"), j.toString());
        // The supervisor's denial reaches the audit log under the command's id.
        String cmd = j.at("/command_id").asText();
        boolean found = false;
        for (int i = 0; i < 50 && !found; i++) {
            TestDaemon.Reply h = d.get("/api/v1/sessions/" + sid + "/history?command_id=" + cmd);
            found = h.body().contains("\"source\":\"seccomp\"") && h.body().contains("/etc/shadow");
            if (!found) Thread.sleep(100);
        }
        assertTrue(found, "no seccomp event for /etc/shadow in the session's history");
    }
}
