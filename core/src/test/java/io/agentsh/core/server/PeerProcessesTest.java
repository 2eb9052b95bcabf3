package io.agentsh.core.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PeerProcessesTest {
    @Test
    void parentSessionAndStartTimeOfALiveProcessMatchProc() throws Exception {
        long self = ProcessHandle.current().pid();
        long[] ps = PeerProcesses.ppidAndSid(self);
        assertNotNull(ps);
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), ps[0]);
        // The same fields, read the plain way (comm may hold spaces and parentheses: parse after the last ')').
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        assertEquals(Long.parseLong(f[3]), ps[1]);
        assertEquals(Long.parseLong(f[19]), PeerProcesses.startTime(self));
    }

    @Test
    void aProcessThatIsGoneHasNeither() throws Exception {
        Process p = new ProcessBuilder("/bin/true").start();
        long pid = p.pid();
        p.waitFor();
        // Reaped: /proc/PID is gone (unless the pid was reused at once, which a fresh pid of a just-reaped child is not).
        assertNull(PeerProcesses.ppidAndSid(pid));
        assertEquals(-1, PeerProcesses.startTime(pid));
        assertNull(PeerProcesses.ppidAndSid(-5));
    }

    @Test
    void manyConcurrentCallersGetTheirOwnAnswers() throws Exception {
        long self = ProcessHandle.current().pid();
        long start = PeerProcesses.startTime(self);
        try (var ex = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var fs = new java.util.ArrayList<java.util.concurrent.Future<Long>>();
            for (int i = 0; i < 200; i++) fs.add(ex.submit(() -> PeerProcesses.startTime(self)));
            for (var f : fs) assertEquals(start, f.get());
        }
    }
}
