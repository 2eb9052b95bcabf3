package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every mechanism check of {@link SupervisorMechanismTest} again, with the tree served by the
 * ptrace backend (SECCOMP_RET_TRACE prefilter, PtraceSupervisor) and the same stand-in policy:
 * the same answers, the same denials.
 */
class PtraceMechanismTest extends SupervisorMechanismTest {
    @Override
    ArmingPlan plan() {
        return GovernedHarness.ptracePlan();
    }

    /**
     * Under ptrace the kernel opens the file (there is no way to hand a tracee an fd), so a
     * racing thread can make it open another object than the one checked. What must hold: the
     * denied file is never created (creation is done by the supervisor on the checked path), and
     * a detected swap ends the process with an audit event instead of leaving it the descriptor.
     */
    @Override
    @Test
    void raceOnThePathBufferNeverReachesTheDeniedFile() throws Exception {
        Path racer = Racer.build(tmp);
        Path allowed = work.resolve("allowed");
        Path target = denied.resolve("raced");
        var r = h.run(Map.of(), work, racer.toString(), "mem", allowed.toString(), target.toString(), "10000");
        assertFalse(Files.exists(target), "the denied file was created by a racing thread: " + r);
        if (r.exit() != 0) {
            assertEquals(128 + 9, r.exit(), "only a detected swap may end the racer (SIGKILL): " + r);
            assertTrue(h.failures.stream().anyMatch(f -> f.contains("process killed")), h.failures.toString());
        }
    }

    @Override
    @Test
    void raceOnASymlinkNeverReachesTheDeniedFile() throws Exception {
        Path racer = Racer.build(tmp);
        Path target = denied.resolve("existing");
        var r = h.run(Map.of(), work, racer.toString(), "link", work.resolve("l").toString(), work.resolve("allowed").toString(),
                target.toString(), "10000");
        assertEquals("original\n", Files.readString(target), "the denied file was written through a swapped link: " + r);
        if (r.exit() != 0) {
            assertEquals(128 + 9, r.exit(), "only a detected swap may end the racer (SIGKILL): " + r);
            assertTrue(h.failures.stream().anyMatch(f -> f.contains("process killed")), h.failures.toString());
        }
    }

    @Test
    void jobControlStopAndContinueReachTheTracee() throws Exception {
        var r = sh("sleep 30 & p=$!; kill -STOP $p; sleep 0.2; grep -Eq 'State:.*(T|t) ' /proc/$p/status && echo stopped; "
                + "kill -CONT $p; sleep 0.2; grep -q 'State:.*S' /proc/$p/status && echo running; kill $p; wait $p; echo rc=$?");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("stopped\nrunning\nrc=143"), r.toString());
    }

    @Test
    void threadsAndDeepTreesAreFollowed() throws Exception {
        Files.writeString(work.resolve("deep.sh"), "sudo true; echo deep=$?\n");
        var r = sh("sh -c 'sh -c \"sh -c \\\"sh $W/deep.sh\\\"\"'; "
                + "for i in 1 2 3 4 5 6 7 8 9 10; do (echo x > $W/f$i) & done; wait; ls $W | grep -c '^f'; "
                + "python3 -c \"import threading,os\nts=[threading.Thread(target=lambda i=i: open('$D/t%d'%i,'w')) for i in range(4)]\n"
                + "[t.start() for t in ts]; [t.join() for t in ts]\" 2>&1 | grep -c PermissionError");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("deep=126"), r.toString());
        assertTrue(r.stdout().contains("\n10\n4\n"), r.toString());
    }

    /**
     * The arming thread seizes the command itself: when arming fails after the seize, the command
     * is refused without running and the thread (reused by the next command) keeps no tracee.
     */
    @Test
    void refusedAfterTheSeizeNeverRunsAndTheNextCommandIsServed() throws Exception {
        h.beforePlan = pid -> { throw new IllegalStateException("cgroup join refused"); };
        try {
            var refused = sh("touch $W/ran");
            // Refused (126, the wrapper read the reject) or killed first (137): never run.
            assertTrue(refused.exit() == 126 || refused.exit() == 137, refused.toString());
        } catch (java.io.IOException e) {
            assertTrue(e.getMessage().contains("refused before exec"), e.toString()); // the launcher's own report
        }
        assertFalse(Files.exists(work.resolve("ran")), "a command refused before exec ran");
        h.beforePlan = null;
        for (int i = 0; i < 5; i++) {
            var r = sh("cat $S/key 2>/dev/null; echo x > $W/ok" + i + "; echo done");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("done\n", r.stdout(), "served by the backend (the secret stays denied): " + r);
        }
    }

    /**
     * A leader's exec skips its exec-stop, a non-leader thread's exec keeps it (its former tid
     * vanishes): both run on, are still decided, and the tree still follows forks and job control.
     */
    @Test
    void execsByLeaderAndByAnotherThreadAreFollowed() throws Exception {
        // strictExecRace off: a multi-threaded process's exec is allowed (with the default it is
        // refused by ExecMemoryGuard, so no non-leader exec ever runs).
        GovernedHarness lax = new GovernedHarness(new StandInPolicy(denied.toString(), secret.toString()),
                tmp.resolve("run-lax"), plan(), new SupervisorOptions(false, false, null));
        lax.grandchild = h.grandchild;
        h = lax;
        var r = sh("/usr/bin/python3 -c \"import threading,os,time\n"
                + "def go(): os.execv('/bin/sh', ['sh', '-c', 'for i in 1 2 3 4 5; do /bin/true; done; sudo true || echo after-thread-exec: sudo refused'])\n"
                + "t=threading.Thread(target=go); t.start(); time.sleep(5)\"; "
                + "sleep 30 & p=$!; kill -STOP $p; sleep 0.2; grep -Eq 'State:.*(T|t) ' /proc/$p/status && echo stopped; "
                + "kill -CONT $p; kill $p; wait $p; echo rc=$?; exec /bin/sh -c 'sudo true; echo leader-exec rc=$?'");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("after-thread-exec: sudo refused\n"), r.toString());
        assertTrue(r.stdout().contains("stopped\nrc=143\nleader-exec rc=126\n"), r.toString());
        assertTrue(h.failures.isEmpty(), h.failures.toString());
    }
}
