package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's mechanics with a stand-in policy: emulated file operations behave like the
 * real syscalls where allowed, fail with EACCES where denied, races change nothing, blocked
 * syscalls fail with EPERM. Every denied target is a temp dir, so a broken enforcement writes
 * only there.
 */
class SupervisorMechanismTest {
    // Fields and sh() are package-visible for PtraceMechanismTest, which runs every check under ptrace.
    @TempDir Path tmp;
    Path denied;
    Path secret;
    Path work;
    GovernedHarness h;

    @BeforeEach
    void setUp() throws Exception {
        denied = Files.createDirectories(tmp.resolve("denied"));
        secret = Files.createDirectories(tmp.resolve("secret"));
        work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(denied.resolve("existing"), "original\n");
        Files.writeString(secret.resolve("key"), "TOPSECRET\n");
        h = new GovernedHarness(new StandInPolicy(denied.toString(), secret.toString()), tmp.resolve("run"), plan());
    }

    /** The arming plan under test (the ptrace backend's test runs the same checks with its own). */
    ArmingPlan plan() {
        return GovernedHarness.defaultPlan();
    }

    GovernedHarness.Result sh(String script) throws Exception {
        return h.run(Map.of("D", denied.toString(), "S", secret.toString(), "W", work.toString()), work, "/bin/sh", "-c", script);
    }

    @Test
    void allowedFileOperationsWorkLikeTheRealSyscalls() throws Exception {
        var r = sh("set -e; umask 027; echo one > $W/a; echo two >> $W/a; mkdir $W/d; mkdir -p $W/d/e/f; "
                + "mv $W/a $W/d/b; ln $W/d/b $W/hard; ln -s d/b $W/soft; cat $W/soft; chmod 600 $W/d/b; "
                + "truncate -s 2 $W/hard; rm $W/soft; rmdir $W/d/e/f; touch $W/t; stat -c %a $W/t $W/d; "
                + "python3 -c \"import os; fd=os.open('$W/x', os.O_CREAT|os.O_WRONLY, 0o666); os.write(fd, b'hi'); os.close(fd)\"; "
                + "cat $W/x; echo; readlink $W/../work/./d/../hard || true");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().startsWith("one\ntwo\n"), r.stdout());
        assertTrue(r.stdout().contains("640\n750\n"), "umask of the tracee applies: " + r.stdout());
        assertTrue(r.stdout().contains("hi"), r.stdout());
        assertEquals("on", Files.readString(work.resolve("d/b")));
        assertEquals("600", Integer.toOctalString(Files.getAttribute(work.resolve("d/b"), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) instanceof Integer i ? i & 0777 : -1));
        assertFalse(Files.exists(work.resolve("soft"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(h.denials.isEmpty(), h.denials.toString());
        assertTrue(h.failures.isEmpty(), h.failures.toString());
    }

    @Test
    void deniedMutationsFailWithEaccesAndChangeNothing() throws Exception {
        var r = sh("echo x > $D/f; echo $?; touch $D/new; echo $?; mkdir $D/d; echo $?; echo y >> $D/existing; echo $?; "
                + "rm $D/existing; echo $?; mv $W $D/moved 2>&1; echo $?; ln -s /etc/passwd $D/l; echo $?; "
                + "chmod 777 $D/existing; echo $?; truncate -s 0 $D/existing; echo $?; "
                + "python3 -c \"open('$D/py','w')\" 2>&1 | tail -1");
        assertTrue(r.stderr().contains("Permission denied"), r.stderr());
        assertTrue(r.stdout().contains("PermissionError: [Errno 13]"), r.stdout());
        for (String line : r.stdout().lines().filter(l -> l.matches("\\d+")).toList()) assertNotEquals("0", line, r.toString());
        try (var s = Files.list(denied)) {
            assertEquals(java.util.List.of(denied.resolve("existing")), s.toList());
        }
        assertEquals("original\n", Files.readString(denied.resolve("existing")));
        assertTrue(Files.isDirectory(work));
        assertTrue(h.denials.stream().anyMatch(d -> d.contains("rule=deny-standin")), h.denials.toString());
    }

    @Test
    void symlinksAndDotDotAreResolvedBeforeTheCheck() throws Exception {
        var r = sh("ln -s $S/key /tmp/agentsh-l-$$ && cat /tmp/agentsh-l-$$; echo rc=$?; rm -f /tmp/agentsh-l-$$; "
                + "cat $W/../secret/key; echo rc=$?; ln -s $D $W/dl; echo z > $W/dl/viaLink; echo rc=$?; "
                + "cat /proc/self/root$S/key; echo rc=$?; cd $S 2>/dev/null; cat key; echo rc=$?");
        assertFalse(r.stdout().contains("TOPSECRET"), r.toString());
        assertEquals(5, r.stdout().lines().filter(l -> l.startsWith("rc=") && !l.equals("rc=0")).count(), r.toString());
        assertFalse(Files.exists(denied.resolve("viaLink")));
    }

    @Test
    void procSelfIsTheTraceesOwn() throws Exception {
        var r = sh("head -c 5 /proc/self/status; echo; cat /proc/thread-self/comm");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().startsWith("Name:"), r.stdout());
        assertTrue(r.stdout().contains("cat"), r.stdout());
    }

    /**
     * ExecMemoryGuard: an exec whose filename lives in a MAP_SHARED mapping (another process
     * could rewrite it after the check) is refused; the same exec from private memory runs.
     */
    @Test
    void execFromSharedMemoryIsRefusedAndFromPrivateMemoryRuns() throws Exception {
        Path py = work.resolve("shexec.py");
        Files.writeString(py, """
                import ctypes, mmap, os, sys
                libc = ctypes.CDLL(None, use_errno=True)
                libc.execve.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
                path = b"/bin/true\\0"
                if sys.argv[1] == "shared":
                    m = mmap.mmap(-1, 4096, flags=mmap.MAP_SHARED)
                    m.write(path)
                    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
                else:
                    buf = ctypes.create_string_buffer(path)
                    addr = ctypes.addressof(buf)
                argv = (ctypes.c_char_p * 2)(b"true", None)
                envp = (ctypes.c_char_p * 1)(None)
                libc.execve(addr, argv, envp)
                print("errno", ctypes.get_errno())
                sys.exit(3)
                """);
        var shared = sh("/usr/bin/python3 " + py + " shared; echo rc=$?");
        assertTrue(shared.stdout().contains("errno 13\nrc=3"), "refused with EACCES: " + shared);
        assertTrue(h.failures.stream().anyMatch(f -> f.contains("shared memory")), h.failures.toString());
        var priv = sh("/usr/bin/python3 " + py + " private; echo rc=$?");
        assertEquals("rc=0\n", priv.stdout(), "the exec from private memory ran /bin/true: " + priv);
    }

    @Test
    void execOfSudoIsDeniedEverywhereInTheTree() throws Exception {
        Path script = work.resolve("s.sh");
        Files.writeString(script, "#!/bin/sh\nsudo whoami\n");
        script.toFile().setExecutable(true);
        var r = sh("env sudo whoami; echo rc=$?; echo whoami | xargs sudo; echo rc=$?; "
                + "find /tmp -maxdepth 0 -exec sudo whoami \\; ; echo rc=$?; " + script + "; echo rc=$?; "
                + "/usr/bin/python3 -c \"import subprocess,os; print(subprocess.run(['sudo','whoami']).returncode if False else 0)\" >/dev/null; "
                + "/usr/bin/python3 -c \"import os; print('sys', os.system('sudo whoami') >> 8)\"; "
                + "env /usr/bin/whoami");
        assertFalse(r.stdout().contains("\nroot\nroot"), r.toString());
        assertTrue(r.stdout().contains("sys 126"), r.toString());
        assertTrue(r.stdout().trim().endsWith("root"), "allowed commands still run: " + r);
        assertTrue(h.denials.stream().filter(d -> d.startsWith("exec /usr/bin/sudo")).count() >= 5, h.denials.toString());
    }

    @Test
    void raceOnThePathBufferNeverReachesTheDeniedFile() throws Exception {
        Path racer = Racer.build(tmp);
        Path allowed = work.resolve("allowed");
        Path target = denied.resolve("raced");
        var r = h.run(Map.of(), work, racer.toString(), "mem", allowed.toString(), target.toString(), "10000");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(Files.exists(target), "the denied file was created by a racing thread: " + r);
        assertTrue(Files.size(allowed) > 0, "the allowed opens went through: " + r);
    }

    @Test
    void raceOnASymlinkNeverReachesTheDeniedFile() throws Exception {
        Path racer = Racer.build(tmp);
        Path target = denied.resolve("existing");
        var r = h.run(Map.of(), work, racer.toString(), "link", work.resolve("l").toString(), work.resolve("allowed").toString(),
                target.toString(), "10000");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("original\n", Files.readString(target), "the denied file was written through a swapped link: " + r);
    }

    @Test
    void blockedSyscallsFailWithEperm() throws Exception {
        var r = sh("unshare -U true 2>&1; echo rc=$?; "
                + "/usr/bin/python3 -c \"import socket,errno\ntry:\n socket.sethostname(socket.gethostname())\nexcept OSError as e: print('errno', e.errno)\"");
        assertTrue(r.stdout().contains("Operation not permitted"), r.toString());
        assertTrue(r.stdout().contains("errno 1"), r.toString());
    }

    @Test
    void signalsOutsideTheTreeAreRefused() throws Exception {
        Process outsider = new ProcessBuilder("sleep", "30").start();
        try {
            var r = sh("kill -TERM " + outsider.pid() + "; echo rc=$?; sleep 5 & kill $!; echo own=$?");
            assertTrue(r.stdout().contains("own=0"), r.toString());
            assertFalse(r.stdout().contains("rc=0"), r.toString());
            assertTrue(outsider.isAlive(), "a process outside the session was signalled");
        } finally {
            outsider.destroyForcibly();
        }
    }
}
