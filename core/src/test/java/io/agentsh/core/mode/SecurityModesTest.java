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
    void ptraceIsChosenWhenAskedAndProvenElseRefusedWithTheReason() throws Exception {
        var ok = SecurityModes.select(cfg("security:\n  mode: ptrace\n"), new SecurityModes.Proven("full", true));
        assertEquals("ptrace", ok.mode());
        assertEquals(io.agentsh.core.kernel.supervisor.SupervisionBackend.PTRACE, ok.backend());
        var enabled = SecurityModes.select(cfg("sandbox:\n  ptrace:\n    enabled: true\n"), new SecurityModes.Proven("full", true));
        assertEquals(io.agentsh.core.kernel.supervisor.SupervisionBackend.PTRACE, enabled.backend(), "file/network/signal tracing default on: full ptrace");
        var e = assertThrows(SecurityModes.ModeUnavailableException.class,
                () -> SecurityModes.select(cfg("security:\n  mode: ptrace\n"), new SecurityModes.Proven("full", false)));
        assertTrue(e.getMessage().startsWith("ptrace enforcement (security.mode: ptrace) does not work here"), e.getMessage());
        var s = SecurityModes.select(cfg("sandbox:\n  allow_degraded: true\n  ptrace:\n    enabled: true\n"), new SecurityModes.Proven("full", false));
        assertEquals("full", s.mode());
        assertEquals(io.agentsh.core.kernel.supervisor.SupervisionBackend.SECCOMP, s.backend());
        assertTrue(s.warnings().getFirst().contains("does not work here"));
    }

    @Test
    void autoPicksTheStrongestProvenBackend() throws Exception {
        assertEquals(io.agentsh.core.kernel.supervisor.SupervisionBackend.SECCOMP,
                SecurityModes.select(cfg(""), new SecurityModes.Proven("full", true)).backend());
        var p = SecurityModes.select(cfg("security:\n  mode: auto\n"), new SecurityModes.Proven("ptrace", true));
        assertEquals("ptrace", p.mode());
        assertEquals(io.agentsh.core.kernel.supervisor.SupervisionBackend.PTRACE, p.backend());
        assertThrows(SecurityModes.ModeUnavailableException.class,
                () -> SecurityModes.select(cfg("security:\n  mode: full\n"), new SecurityModes.Proven("ptrace", true)));
    }

    @Test
    void execveOnlyPtraceIsTheHybrid() throws Exception {
        String hybrid = "sandbox:\n  ptrace:\n    enabled: true\n    trace:\n      execve: true\n      file: false\n"
                + "      network: false\n      signal: false\n";
        assertEquals(io.agentsh.core.kernel.supervisor.SupervisionBackend.HYBRID,
                SecurityModes.select(cfg(hybrid), new SecurityModes.Proven("full", true)).backend());
        var noTrace = SecurityModes.select(cfg(hybrid), new SecurityModes.Proven("full", false));
        assertEquals(io.agentsh.core.kernel.supervisor.SupervisionBackend.SECCOMP, noTrace.backend());
        assertEquals(1, noTrace.warnings().size());
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
