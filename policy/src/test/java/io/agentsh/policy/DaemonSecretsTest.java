package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CONTRACT §2: the daemon's secrets are denied for every operation, whatever the policy grants. */
class DaemonSecretsTest {
    static final String ALLOW_VAR = """
            version: 1
            name: t
            file_rules:
              - name: allow-var
                paths: ["/var/**"]
                decision: allow
              - name: token-by-name
                paths: ["/var/lib/agentsh/operator.token"]
                operations: [read]
                decision: allow
              - name: allow-rest
                paths: ["**"]
                decision: allow
            """;

    static EngineOptions.Builder opts() {
        return EngineOptions.builder().environment(k -> null)
                .alwaysDenied(List.of("/var/lib/agentsh/operator.token", "/etc/agentsh/keys.yaml"));
    }

    @Test void secretsAreDeniedEvenUnderExplicitAllowRules() throws Exception {
        Engine e = Engine.compile(PolicyLoader.parse("t.yaml", ALLOW_VAR), opts().build());
        for (FileOperation op : FileOperation.values()) {
            for (String p : List.of("/var/lib/agentsh/operator.token", "/var/lib/agentsh/./x/../operator.token",
                    "/etc/agentsh/keys.yaml")) {
                Verdict v = e.checkFile(p, op);
                assertEquals("protect-agentsh-secrets", v.rule(), op + " " + p);
                assertEquals(Decision.DENY, v.effectiveDecision(), op + " " + p);
            }
        }
        // neighbours are still decided by the policy
        assertEquals("allow-var", e.checkFile("/var/lib/agentsh/operator.token2", FileOperation.READ).rule());
        assertEquals("allow-var", e.checkFile("/var/lib/agentsh/events.db", FileOperation.READ).rule());
        assertEquals("allow-rest", e.checkFile("/etc/agentsh/config.yaml", FileOperation.READ).rule());
        assertTrue(e.isProtectedPath("/var/lib/agentsh/operator.token", -1));
    }

    @Test void withoutSecretsThePolicyDecides() throws Exception {
        Engine e = Engine.compile(PolicyLoader.parse("t.yaml", ALLOW_VAR), EngineOptions.builder().environment(k -> null).build());
        assertEquals("allow-var", e.checkFile("/var/lib/agentsh/operator.token", FileOperation.READ).rule());
    }

    @Test void serverConfigFillsSecretsAndProtectsTheDataDir(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, """
                data_dir: /srv/agentsh-data
                sessions:
                  base_dir: /srv/agentsh-sessions
                auth:
                  type: api_key
                  api_key:
                    keys_file: /etc/agentsh/keys.yaml
                """);
        ServerConfig c = ServerConfigLoader.load(cfg).config();
        assertEquals(List.of("/srv/agentsh-data/operator.token", "/etc/agentsh/keys.yaml"), c.daemonSecrets());
        EngineOptions o = c.engineOptions().environment(k -> null).build();
        assertEquals(c.daemonSecrets(), o.alwaysDenied());
        assertTrue(o.protectedPaths().contains("/srv/agentsh-data/**"), o.protectedPaths().toString());
        assertTrue(o.protectedPaths().containsAll(EngineOptions.DEFAULT_PROTECTED_PATHS));
        Engine e = Engine.compile(PolicyLoader.parse("t.yaml", ALLOW_VAR), o);
        assertEquals("protect-agentsh-secrets", e.checkFile("/srv/agentsh-data/operator.token", FileOperation.OPEN).rule());
        assertEquals("protected-path", e.checkFile("/srv/agentsh-data/events.db", FileOperation.READ).rule());
    }
}
