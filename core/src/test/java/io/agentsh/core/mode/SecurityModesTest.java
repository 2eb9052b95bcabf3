package io.agentsh.core.mode;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import org.junit.jupiter.api.Test;

class SecurityModesTest {
    private static ServerConfig cfg(String yaml) throws Exception {
        return ServerConfigLoader.parse("test.yaml", yaml, k -> null).config();
    }

    @Test
    void autoTakesTheStrongestProvenMode() throws Exception {
        assertEquals(new SecurityModes.Selection("full", java.util.List.of()), SecurityModes.select(cfg(""), "full"));
        assertEquals("landlock-only", SecurityModes.select(cfg("security:\n  mode: auto\n"), "landlock-only").mode());
    }

    @Test
    void aWeakerModeOnPurposeIsHonoured() throws Exception {
        assertEquals("minimal", SecurityModes.select(cfg("security:\n  mode: minimal\n"), "full").mode());
    }

    @Test
    void aModeTheKernelCannotGiveStopsTheServerUnlessDegradedIsAllowed() throws Exception {
        var e = assertThrows(SecurityModes.ModeUnavailableException.class,
                () -> SecurityModes.select(cfg("security:\n  mode: full\n"), "landlock-only"));
        assertTrue(e.getMessage().contains("security.mode 'full' needs mechanisms"), e.getMessage());
        assertTrue(e.getMessage().contains("sandbox.allow_degraded"), e.getMessage());
        var s = SecurityModes.select(cfg("security:\n  mode: full\nsandbox:\n  allow_degraded: true\n"), "landlock-only");
        assertEquals("landlock-only", s.mode());
        assertEquals(1, s.warnings().size());
    }

    @Test
    void ptraceIsNotImplementedAndSaysSo() throws Exception {
        var e = assertThrows(SecurityModes.ModeUnavailableException.class,
                () -> SecurityModes.select(cfg("security:\n  mode: ptrace\n"), "full"));
        assertTrue(e.getMessage().startsWith("ptrace enforcement (security.mode: ptrace) is not implemented"), e.getMessage());
        assertThrows(SecurityModes.ModeUnavailableException.class,
                () -> SecurityModes.select(cfg("sandbox:\n  ptrace:\n    enabled: true\n"), "full"));
        var s = SecurityModes.select(cfg("sandbox:\n  allow_degraded: true\n  ptrace:\n    enabled: true\n"), "full");
        assertEquals("full", s.mode());
        assertTrue(s.warnings().getFirst().contains("not implemented"));
    }

    @Test
    void minimumModeIsEnforced() throws Exception {
        var e = assertThrows(SecurityModes.ModeUnavailableException.class,
                () -> SecurityModes.select(cfg("security:\n  minimum_mode: landlock\n"), "landlock-only"));
        assertTrue(e.getMessage().contains("below security.minimum_mode 'landlock'"), e.getMessage());
        assertEquals("full", SecurityModes.select(cfg("security:\n  minimum_mode: landlock\n"), "full").mode());
    }

    @Test
    void namespacesPidAndCapabilitiesLoadWithoutWarnings() throws Exception {
        var loaded = ServerConfigLoader.parse("t.yaml", "sandbox:\n  namespaces:\n    pid: true\n  cgroups:\n    enabled: true\n"
                + "  limits:\n    max_processes: 50\ncapabilities:\n  allow: [NET_BIND_SERVICE]\n", k -> null);
        assertEquals(java.util.List.of(), loaded.warnings());
        assertTrue(loaded.config().bool("sandbox.namespaces.pid"));
        assertTrue(io.agentsh.core.ns.ProcessNamespaces.fromConfig(loaded.config()).pid());
        assertFalse(io.agentsh.core.ns.ProcessNamespaces.fromConfig(cfg("")).pid(), "not configured: no namespace");
        assertEquals(50, io.agentsh.core.cgroup.CgroupLimits.of(new io.agentsh.policy.ResourceLimits(0, 0, 0, 0, 0, 0, 200, null, null, null),
                loaded.config()).pidsMax(), "sandbox.limits caps the policy");
    }
}
