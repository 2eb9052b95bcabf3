package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadAndMergeTest {
    @TempDir Path dir;

    static String policy(String decision) {
        return "version: 1\nname: r\ncommand_rules:\n  - name: ls\n    commands: [ls]\n    decision: " + decision + "\n";
    }

    @Test void invalidEditKeepsTheLastGoodPolicy() throws Exception {
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, policy("allow"));
        ReloadablePolicy rp = ReloadablePolicy.open(f, EngineOptions.defaults());
        assertEquals(Decision.ALLOW, rp.engine().checkCommand("ls", List.of()).effectiveDecision());
        assertFalse(rp.reloadIfChanged().changed());
        Files.writeString(f, policy("alow"));
        ReloadablePolicy.Outcome bad = rp.reloadIfChanged();
        assertTrue(bad.changed());
        assertFalse(bad.applied());
        assertEquals(f + ":6:15: command_rules[0].decision: invalid decision \"alow\" (expected one of allow, approve, audit, deny, redirect, soft_delete)",
                bad.problems().get(0).toString());
        assertEquals(Decision.ALLOW, rp.engine().checkCommand("ls", List.of()).effectiveDecision(), "last good stays");
        Files.writeString(f, policy("deny"));
        assertTrue(rp.reloadIfChanged().applied());
        assertEquals(Decision.DENY, rp.engine().checkCommand("ls", List.of()).effectiveDecision());
    }

    @Test void mergeKeys() throws Exception {
        Engine e = Engine.compile(PolicyLoader.parse("m.yaml", """
                version: 1
                name: m
                file_rules:
                  - &base
                    name: tmp
                    paths: ["/tmp/**"]
                    decision: allow
                  - <<: *base
                    name: var-tmp
                    paths: ["/var/tmp/**"]
                """), EngineOptions.defaults());
        assertEquals("var-tmp", e.checkFile("/var/tmp/x", FileOperation.WRITE).rule());
        assertEquals(Decision.ALLOW, e.checkFile("/var/tmp/x", FileOperation.WRITE).effectiveDecision());
    }
}
