package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher-side seam: argv, started(pid), the before-exec hook, and refusals exit 126. */
class PendingArmTest {
    @TempDir Path tmp;

    private Process start(List<String> argv) throws Exception {
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    @Test
    void beforeExecSeesThePidAndCanRefuse() throws Exception {
        KernelPolicy p = new StandInPolicy("/nonexistent", "/nonexistent");
        AtomicLong seen = new AtomicLong();
        PendingArm ok = PendingArm.open(GovernedHarness.WRAPPER, tmp.resolve("run"), "s", p, GovernedHarness.defaultPlan(),
                EnforcementEvents.NONE, SupervisorOptions.DEFAULT, seen::set);
        Process proc = start(ok.argv("/bin/echo", "custom-argv0", List.of("hi")));
        ok.started(proc.pid());
        ok.armed().get(10, TimeUnit.SECONDS);
        assertEquals("hi\n", new String(proc.getInputStream().readAllBytes()));
        assertEquals(0, proc.waitFor());
        assertEquals(proc.pid(), seen.get());

        Path marker = tmp.resolve("ran");
        PendingArm refused = PendingArm.open(GovernedHarness.WRAPPER, tmp.resolve("run"), "s", p, GovernedHarness.defaultPlan(),
                EnforcementEvents.NONE, SupervisorOptions.DEFAULT, pid -> { throw new IllegalStateException("cgroup unavailable"); });
        Process proc2 = start(refused.argv("/usr/bin/touch", null, List.of(marker.toString())));
        refused.started(proc2.pid());
        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.armed().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("cgroup unavailable"));
        String out = new String(proc2.getInputStream().readAllBytes());
        assertEquals(126, proc2.waitFor(), out);
        assertTrue(out.contains("refusing") || out.contains("refused"), out);
        assertFalse(Files.exists(marker), "the command ran although arming was refused");
    }

    @Test
    void aWrapperWithTheWrongTokenOrPidIsRefused() throws Exception {
        KernelPolicy p = new StandInPolicy("/nonexistent", "/nonexistent");
        PendingArm arm = PendingArm.open(GovernedHarness.WRAPPER, tmp.resolve("run"), "s", p, GovernedHarness.defaultPlan(),
                EnforcementEvents.NONE, SupervisorOptions.DEFAULT);
        List<String> argv = arm.argv("/usr/bin/true", null, List.of());
        Process impostor = start(argv);
        arm.started(impostor.pid() + 100000); // the launcher started someone else
        String out = new String(impostor.getInputStream().readAllBytes());
        assertEquals(126, impostor.waitFor(), out);
        assertThrows(ExecutionException.class, () -> arm.armed().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aRuntimeDirectoryRemovedBetweenCommandsIsMadeAgain() throws Exception {
        KernelPolicy p = new StandInPolicy("/nonexistent", "/nonexistent");
        Path run = tmp.resolve("run2");
        for (int round = 0; round < 2; round++) {
            PendingArm arm = PendingArm.open(GovernedHarness.WRAPPER, run, "s", p, GovernedHarness.defaultPlan(),
                    EnforcementEvents.NONE, SupervisorOptions.DEFAULT);
            Process proc = start(arm.argv("/bin/echo", null, List.of("round" + round)));
            arm.started(proc.pid());
            arm.armed().get(10, TimeUnit.SECONDS);
            assertEquals("round" + round + "\n", new String(proc.getInputStream().readAllBytes()));
            assertEquals(0, proc.waitFor());
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
            // Someone removes the daemon's runtime directory (a tmpfiles clean-up, an operator).
            try (var files = Files.list(run)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(run);
        }
    }
}
