package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import io.agentsh.core.ns.MountNamespaces;
import io.agentsh.core.ns.SessionMountNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wrapper's SETNS plan items on real children (root): the command runs inside the session's
 * mount namespace (a masked path is unreadable, the same path outside is not), in the directory the
 * plan names (entered by path after the setns), and in the session's network namespace.
 */
class SessionNamespaceJoinTest {
    @TempDir Path tmp;

    /** Capabilities kept: all but CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2), as a session that drops them. */
    private static final long NO_DAC = ~((1L << 1) | (1L << 2));

    private static ArmingPlan plan(boolean trapReads) {
        return new ArmingPlan(SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, trapReads)),
                null, true, NO_DAC);
    }

    record Run(int exit, String out) {}

    private Run run(ArmingPlan plan, NamespaceJoin join, String... cmd) throws Exception {
        KernelPolicy p = new StandInPolicy("/nonexistent", "/nonexistent");
        PendingArm arm = PendingArm.open(GovernedHarness.WRAPPER, tmp.resolve("arm"), "s", p, plan, EnforcementEvents.NONE,
                SupervisorOptions.DEFAULT, pid -> { }, join);
        Process proc = new ProcessBuilder(arm.argv(cmd[0], null, List.of(cmd).subList(1, cmd.length)))
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        arm.started(proc.pid());
        String out = new String(proc.getInputStream().readAllBytes());
        int exit = proc.waitFor();
        if (exit != 126) arm.armed().get(10, TimeUnit.SECONDS);
        return new Run(exit, out);
    }

    @ParameterizedTest(name = "read-only opens trapped: {0}")
    @ValueSource(booleans = {true, false})
    void commandRunsInsideTheSessionMountNamespaceAndItsDirectory(boolean trapReads) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("root/.ssh"));
        Files.writeString(home.resolve("id_rsa"), "KEY");
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("notes"), "hello");
        try (MountNamespaces all = MountNamespaces.open(tmp.resolve("ns"))) {
            SessionMountNamespace ns = all.create("s");
            ns.mask(home, SessionMountNamespace.Mask.DIR_NO_ACCESS);

            Run key = run(plan(trapReads), NamespaceJoin.open(ns.path(), null, tmp.toString()), "/bin/cat", "root/.ssh/id_rsa");
            assertEquals(1, key.exit(), key.out());
            assertTrue(key.out().contains("Permission denied"), key.out());

            Run notes = run(plan(trapReads), NamespaceJoin.open(ns.path(), null, work.toString()), "/bin/cat", "notes");
            assertEquals(new Run(0, "hello"), notes, "relative path resolved in the plan's cwd inside the namespace");

            Run pwd = run(plan(trapReads), NamespaceJoin.open(ns.path(), null, ""), "/bin/pwd");
            assertEquals(new Run(0, tmp + "\n"), pwd, "empty cwd: the wrapper's own directory, re-entered by path");

            assertEquals("KEY", Files.readString(home.resolve("id_rsa")), "outside the namespace nothing is masked");
            Run outside = run(plan(trapReads), NamespaceJoin.NONE, "/bin/cat", home.resolve("id_rsa").toString());
            assertEquals(new Run(0, "KEY"), outside, "a command without the SETNS item is not in the namespace");
        }
    }

    @Test
    void aMissingWorkingDirectoryRefusesTheCommand() throws Exception {
        Path marker = tmp.resolve("ran");
        try (MountNamespaces all = MountNamespaces.open(tmp.resolve("ns"))) {
            SessionMountNamespace ns = all.create("s");
            Run r = run(plan(true), NamespaceJoin.open(ns.path(), null, tmp.resolve("gone").toString()),
                    "/usr/bin/touch", marker.toString());
            assertEquals(126, r.exit(), r.out());
            assertTrue(r.out().contains("working directory"), r.out());
            assertFalse(Files.exists(marker));
        }
    }

    @Test
    void commandJoinsTheSessionNetworkNamespace() throws Exception {
        Process holder = new ProcessBuilder("/usr/bin/unshare", "--net", "/bin/sleep", "60").start();
        try {
            Path netns = Path.of("/proc/" + holder.pid() + "/ns/net");
            String want = null;
            for (int i = 0; i < 100 && (want == null || want.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString())); i++) {
                want = Files.readSymbolicLink(netns).toString();
                Thread.sleep(20);
            }
            Run r = run(plan(true), NamespaceJoin.open(null, netns, null), "/usr/bin/readlink", "/proc/self/ns/net");
            assertEquals(new Run(0, want + "\n"), r);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }
}
