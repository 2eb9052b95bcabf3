package io.agentsh.cli.detect;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * detect on this machine (kernel 6.18, Landlock ABI 7, hybrid cgroups, root): the probes really
 * run, so these expectations are about this machine and fail elsewhere for a visible reason.
 */
class DetectCommandTest {
    private static String run(String... args) {
        CommandLine root = io.agentsh.cli.Main.commandLine(); // detect is registered in Main.VERBS
        StringWriter out = new StringWriter();
        root.setOut(new PrintWriter(out));
        assertEquals(0, root.execute(args));
        return out.toString();
    }

    @Test
    void tableHasOneLinePerMechanism() {
        String t = run("detect");
        for (String m : new String[] {"seccomp ", "seccomp_user_notify", "landlock ", "ptrace", "fuse", "cgroups",
                "capabilities_drop", "pid_namespace", "ebpf"}) {
            assertTrue(t.lines().anyMatch(l -> l.startsWith("  " + m.strip()) && (l.contains("✓") || l.contains("✗"))), m + "\n" + t);
        }
        assertTrue(t.contains("landlock             ✓  ABI 7"), t);
        assertTrue(t.contains("Security Mode:    full"), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("  cgroups") && l.contains("v1: memory, pids, cpu")), t);
    }

    @Test
    void jsonHasTheReferenceShape() throws Exception {
        JsonNode j = new ObjectMapper().readTree(run("detect", "-o", "json"));
        assertEquals("linux", j.get("platform").asText());
        assertEquals(5, j.get("domains").size());
        assertEquals(7, j.get("capabilities").get("landlock_abi").asInt());
        assertTrue(j.get("capabilities").get("seccomp_user_notify").asBoolean(), j.toPrettyString());
        assertTrue(j.get("protection_score").asInt() >= 65, j.toPrettyString());
        assertEquals("seccomp-notify", j.get("domains").get(0).get("active").asText());
    }

    @Test
    void configSuggestsWhatWorks() {
        String c = run("detect", "config");
        assertTrue(c.contains("landlock:\n  enabled: true"), c);
        assertTrue(c.contains("seccomp:\n    enabled: true"), c);
    }
}
