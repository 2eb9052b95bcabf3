package io.agentsh.proxy.dlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import io.agentsh.proxy.bench.MixedText;
import io.agentsh.proxy.llm.LlmProxyConfig;
import io.agentsh.proxy.llm.LlmProxySettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every compat config goes through the policy module's loader into our settings and compiles. */
class ServerConfigAdapterTest {

    @Test
    void everyCompatConfigBuildsADlpEngineAndProxySettings() throws Exception {
        int configs = 0;
        for (Path p : CompatCustomPatternsTest.configs()) {
            if (!p.getFileName().toString().contains("config")) {
                continue;
            }
            ServerConfig c = ServerConfigLoader.load(p).config();
            DlpSettings s = DlpConfig.fromServerConfig(c);
            assertEquals(DlpMode.REDACT, s.mode(), p.toString());
            assertEquals(5, s.builtins().size());
            assertEquals(CompatCustomPatternsTest.customPatterns(p), s.customPatterns(), p.toString());
            DlpEngine.compile(s);
            LlmProxySettings ls = LlmProxyConfig.fromServerConfig(c, List.of());
            assertEquals(LlmProxySettings.Mode.EMBEDDED, ls.mode());
            assertEquals("api.anthropic.com", ls.anthropic().getHost());
            assertEquals(0, ls.port());
            configs++;
        }
        assertTrue(configs >= 4, "configs checked: " + configs);
    }

    @Test
    void benchmarkPatternsAreExactlyTheExeDevOnes() throws Exception {
        ServerConfig c = ServerConfigLoader.load(CompatCustomPatternsTest.COMPAT.resolve("exe.dev/config.yaml")).config();
        assertEquals(MixedText.EXE_DEV_PATTERNS, DlpConfig.fromServerConfig(c).customPatterns());
    }

    @Test
    void rateLimitsAreRead() {
        var r = LlmProxyConfig.rateLimits(Map.of("enabled", true, "requests_per_minute", 10L));
        assertTrue(r.enabled());
        assertEquals(10, r.effectiveRequestBurst());
    }

    @Test
    void tokenizeModeOutputSwitchAndRateLimitsComeThroughTheLoader() throws Exception {
        String yaml = "proxy:\n  rate_limits:\n    enabled: true\n    requests_per_minute: 10\n    tokens_per_minute: 5000\n"
                + "dlp:\n  mode: tokenize\n  scan_command_output: false\n  patterns:\n    email: true\n";
        ServerConfig c = ServerConfigLoader.parse("test.yaml", yaml, k -> null).config();
        DlpSettings s = DlpConfig.fromServerConfig(c);
        assertEquals(DlpMode.TOKENIZE, s.mode());
        assertEquals(java.util.EnumSet.of(BuiltinDetector.EMAIL), s.builtins());
        assertEquals(false, s.scansCommandOutput());
        assertTrue(DlpConfig.fromServerConfig(ServerConfigLoader.defaults()).scansCommandOutput(), "default: on for redact");
        var limits = LlmProxyConfig.fromServerConfig(c, List.of()).rateLimits();
        assertTrue(limits.enabled());
        assertEquals(10, limits.requestsPerMinute());
        assertEquals(5000, limits.tokensPerMinute());
        assertTrue(c.acceptedNotActedOn().stream().noneMatch(k -> k.startsWith("proxy.rate_limits")));
    }
}
