package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * capabilities.allow: the wrapper reduces the bounding set before exec, and the supervisor's
 * emulated operations carry the tracee's reduced capabilities (no CAP_DAC_OVERRIDE via the back door).
 */
class CapabilityDropTest {
    @TempDir Path tmp;

    @Test
    void droppedCapabilitiesStayDroppedThroughTheSupervisor() throws Exception {
        Path foreign = tmp.resolve("foreign.txt");
        Files.writeString(foreign, "theirs\n");
        Files.setAttribute(foreign, "unix:uid", 12345);
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rw-r--r--"));
        var plan = new ArmingPlan(SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, true)), null, true,
                Capabilities.keepMask(List.of("NET_BIND_SERVICE", "CAP_KILL", "SYS_ADMIN")));
        GovernedHarness h = new GovernedHarness(new StandInPolicy("/nonexistent", "/nonexistent"), tmp.resolve("run"), plan);
        var r = h.run(Map.of(), tmp, "/bin/sh", "-c", "grep CapBnd /proc/self/status; echo x >> " + foreign + "; echo rc=$?");
        assertTrue(r.stdout().contains("CapBnd:\t0000000000000420"), "bounding set = KILL|NET_BIND_SERVICE (SYS_ADMIN never kept): " + r);
        assertTrue(r.stdout().contains("rc=1") || r.stdout().contains("rc=2"), r.toString());
        assertEquals("theirs\n", Files.readString(foreign));

        GovernedHarness full = new GovernedHarness(new StandInPolicy("/nonexistent", "/nonexistent"), tmp.resolve("run2"),
                GovernedHarness.defaultPlan());
        var r2 = full.run(Map.of(), tmp, "/bin/sh", "-c", "echo x >> " + foreign + "; echo rc=$?");
        assertTrue(r2.stdout().contains("rc=0"), "root with its capabilities may write: " + r2);
    }

    @Test
    void unknownCapabilityNamesAreAnError() {
        assertThrows(IllegalArgumentException.class, () -> Capabilities.keepMask(List.of("CAP_FLY")));
    }
}
