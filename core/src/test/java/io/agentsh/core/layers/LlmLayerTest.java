package io.agentsh.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.TestDaemon;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.core.session.Session;
import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded LLM proxy in a real daemon (exe.dev config): base URLs in the session's commands, llm_proxy_url. */
class LlmLayerTest {
    @Test
    void sessionsGetTheProxyBaseUrls(@TempDir Path ws) throws Exception {
        Path exe = TestDaemon.compat().resolve("exe.dev");
        LoadedConfig cfg = ServerConfigLoader.load(exe.resolve("config.yaml"));
        FilePolicyProvider policies = new FilePolicyProvider(exe, "default", cfg.config().engineOptions(),
                Duration.ofSeconds(1));
        try (TestDaemon d = TestDaemon.start(policies, b -> b.policiesDir = exe)) {
            assertNotNull(LlmLayer.install(d.daemon, cfg.config()));
            String sid = d.session(ws, null);
            Session s = d.daemon.sessions().find(sid);
            String url = s.layerEnv().get("ANTHROPIC_BASE_URL");
            assertNotNull(url, s.layerEnv().toString());
            assertTrue(url.startsWith("http://127.0.0.1:"), url);
            JsonNode j = d.get("/api/v1/sessions/" + sid).json();
            assertTrue(j.path("llm_proxy_url").asText().startsWith("http://127.0.0.1:"), j.toString());
            TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                    "{\"command\":\"printenv\",\"args\":[\"ANTHROPIC_BASE_URL\"]}");
            assertEquals(url, r.json().at("/result/stdout").asText().trim(), r.body());
        }
    }
}
