package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.config.ConfigAdapter;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.json.Json;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance checks against the real policy engine and shared/compat/exe.dev. */
class CompatAcceptanceTest {
    static TestDaemon d;
    static String sid;
    @TempDir static Path ws;

    @BeforeAll
    static void start() throws Exception {
        Path exe = TestDaemon.compat().resolve("exe.dev");
        LoadedConfig cfg = ServerConfigLoader.load(exe.resolve("config.yaml"));
        FilePolicyProvider policies = new FilePolicyProvider(exe, "default", cfg.config().engineOptions(),
                Duration.ofSeconds(1));
        d = TestDaemon.start(policies, b -> b.policiesDir = exe);
        io.agentsh.proxy.dlp.DlpSettings dlp = io.agentsh.proxy.dlp.DlpConfig.fromServerConfig(cfg.config());
        d.daemon.execService().outputRedactors().enable(io.agentsh.proxy.dlp.DlpEngine.compile(dlp), dlp.mode());
        sid = d.session(ws, null);
    }

    @AfterAll
    static void stop() throws Exception {
        d.close();
    }

    private TestDaemon.Reply exec(String command, List<String> args, Map<String, String> env) throws Exception {
        Map<String, Object> body = env == null ? Map.of("command", command, "args", args)
                : Map.of("command", command, "args", args, "env", env);
        return d.post("/api/v1/sessions/" + sid + "/exec", Json.encode(body));
    }

    @Test
    void sessionCarriesProjectRootAndPolicy() throws Exception {
        JsonNode s = d.get("/api/v1/sessions/" + sid).json();
        assertEquals(ws.toRealPath().toString(), s.get("workspace").asText());
        assertEquals("default", s.get("policy").asText());
        assertNotNull(s.get("project_root"));
    }

    @Test
    void echoIsAllowed() throws Exception {
        TestDaemon.Reply r = exec("/bin/echo", List.of("policy-test"), null);
        assertEquals(200, r.status(), r.body());
        assertEquals(0, r.json().at("/result/exit_code").asInt());
        assertEquals("policy-test\n", r.json().at("/result/stdout").asText());
    }

    @Test
    void sudoIsBlockedAsShellEscape() throws Exception {
        TestDaemon.Reply r = exec("/usr/bin/sudo", List.of("whoami"), null);
        assertEquals(403, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(126, j.at("/result/exit_code").asInt());
        assertEquals("E_POLICY_DENIED", j.at("/result/error/code").asText());
        assertEquals("block-shell-escape", j.at("/result/error/policy_rule").asText());
        assertEquals("block-shell-escape", j.at("/guidance/policy_rule").asText());
        assertEquals("block-shell-escape", j.at("/events/blocked_operations/0/policy/rule").asText());
        assertEquals("deny", j.at("/events/blocked_operations/0/policy/effective_decision").asText());
        assertEquals("command denied by policy", j.at("/guidance/reason").asText());
        assertTrue(j.at("/guidance/blocked").asBoolean());
    }

    @Test
    void recursiveRmIsBlocked() throws Exception {
        TestDaemon.Reply r = exec("/usr/bin/rm", List.of("-rf", "/tmp/d"), null);
        assertEquals(403, r.status(), r.body());
        assertEquals("block-rm-recursive", r.json().at("/guidance/policy_rule").asText());
        assertEquals("block-rm-recursive", r.json().at("/events/blocked_operations/0/policy/rule").asText());
        assertEquals("Recursive delete blocked. Files can be removed individually.",
                r.json().at("/events/blocked_operations/0/policy/message").asText());
    }

    @Test
    void secretsNeverReachTheChild() throws Exception {
        TestDaemon.Reply r = exec("/usr/bin/env", List.of(),
                Map.of("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI", "MY_VISIBLE", "x", "TERM_PROGRAM", "t"));
        assertEquals(200, r.status(), r.body());
        String out = r.json().at("/result/stdout").asText();
        assertFalse(out.contains("AWS_SECRET_ACCESS_KEY"), out);
        assertFalse(out.contains("wJalrXUtnFEMI"), out);
        assertTrue(out.contains("AGENTSH_IN_SESSION=1"), out);
        assertTrue(out.contains("TERM_PROGRAM=t"), "allow-listed request vars pass: " + out);
        assertFalse(out.contains("MY_VISIBLE"), "not on the allow list: " + out);
    }

    @Test
    void secretsAreRedactedFromOutput() throws Exception {
        TestDaemon.Reply r = exec("/bin/echo", List.of("key=AKIAIOSFODNN7EXAMPLE done"), null);
        assertEquals(200, r.status(), r.body());
        String out = r.json().at("/result/stdout").asText();
        assertFalse(out.contains("AKIAIOSFODNN7EXAMPLE"), out);
        assertTrue(out.startsWith("key=") && out.endsWith(" done\n"), out);
        String cmd = r.json().at("/command_id").asText();
        String stored = d.get("/api/v1/sessions/" + sid + "/output/" + cmd).body();
        assertFalse(stored.contains("AKIAIOSFODNN7EXAMPLE"), stored);
    }

    @Test
    void policyTestRouteUsesTheSessionsEngine() throws Exception {
        TestDaemon.Reply r = d.post("/api/v1/policy/test",
                "{\"session_id\":\"" + sid + "\",\"operation\":\"exec\",\"path\":\"sudo\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("{\"decision\":\"deny\",\"policy_decision\":\"deny\",\"reason\":\"\",\"rule\":\"block-shell-escape\"}\n",
                r.body());
        assertEquals(400, d.post("/api/v1/policy/test", "{\"path\":\"x\"}").status());
    }

    @Test
    void everyCompatConfigMapsOntoTheDaemon() throws Exception {
        try (Stream<Path> files = Files.walk(TestDaemon.compat())) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("config.yaml")
                    || f.getFileName().toString().equals("reference-server-config.yaml")).toList()) {
                DaemonConfig c = ConfigAdapter.from(ServerConfigLoader.load(p).config());
                assertNotNull(c.httpAddr(), p.toString());
                assertTrue(c.maxSessions() > 0, p.toString());
            }
        }
    }
}
