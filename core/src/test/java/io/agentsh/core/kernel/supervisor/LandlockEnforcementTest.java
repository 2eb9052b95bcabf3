package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.landlock.LandlockAbi;
import io.agentsh.core.kernel.landlock.LandlockConfig;
import io.agentsh.core.kernel.landlock.LandlockRuleset;
import io.agentsh.core.kernel.landlock.LandlockRulesetBuilder;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Landlock ruleset built in Java, applied by the wrapper: what the kernel decides without a
 * round trip (reads outside allow_read, exec outside allow_execute, TCP bind) is refused by the
 * kernel itself, and outbound TCP is not blocked (no port-0 mistake).
 */
class LandlockEnforcementTest {
    @TempDir Path tmp;

    @Test
    void kernelDecidesReadsExecAndBindWhileConnectStaysOpen() throws Exception {
        int abi = LandlockAbi.probe();
        assumeTrue(abi >= 4, "needs Landlock ABI 4 (this machine has 7)");
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("data"), "OUTSIDE\n");
        Files.copy(Path.of("/usr/bin/true"), work.resolve("mytrue"));
        work.resolve("mytrue").toFile().setExecutable(true);
        List<String> read = new ArrayList<>(LandlockConfig.SYSTEM_READ);
        read.add(work.toString());
        LandlockConfig cfg = new LandlockConfig(read, List.of(work.toString()), LandlockConfig.SYSTEM_EXECUTE, List.of(),
                LandlockConfig.SYSTEM_DEVICES, true, List.of(), false, List.of(), true, true);
        try (LandlockRuleset rs = LandlockRulesetBuilder.build(cfg);
             ServerSocket server = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(Math.min(abi, 7), rs.abi());
            assertEquals(LandlockAbi.NET_BIND_TCP, rs.handledNet(), "only bind is handled; connect stays unrestricted");
            ArmingPlan plan = new ArmingPlan(SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, false)), rs, true);
            KernelPolicy allowAll = new StandInPolicy("/nonexistent-denied", "/nonexistent-secret");
            GovernedHarness h = new GovernedHarness(allowAll, tmp.resolve("run"), plan);
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (var s = server.accept()) { s.getOutputStream().write('k'); } catch (Exception ignored) { }
            });
            var r = h.run(Map.of(), work, "/bin/sh", "-c",
                    "cat " + outside + "/data; echo read=$?; " + work + "/mytrue; echo exec=$?; echo ok > " + work + "/w; echo write=$?; "
                    + "/usr/bin/python3 -c \"import socket\ns=socket.create_connection(('127.0.0.1'," + server.getLocalPort() + "))\nprint('connect', s.recv(1))\n"
                    + "b=socket.socket()\ntry:\n b.bind(('127.0.0.1', 0)); print('bind ok')\nexcept OSError as e: print('bind errno', e.errno)\"");
            acceptor.join(5000);
            assertFalse(r.stdout().contains("OUTSIDE"), r.toString());
            assertTrue(r.stdout().contains("read=1"), r.toString());
            assertTrue(r.stdout().contains("exec=126"), r.toString());
            assertTrue(r.stdout().contains("write=0"), r.toString());
            assertTrue(r.stdout().contains("connect b'k'"), r.toString());
            assertTrue(r.stdout().contains("bind errno 13"), r.toString());
            assertTrue(h.denials.isEmpty(), "the kernel decided, not the supervisor: " + h.denials);
        }
    }

    @Test
    void baseDirOfGlobs() {
        assertEquals("/root", LandlockConfig.baseDir("/root/**"));
        assertEquals("/usr/bin/sudo", LandlockConfig.baseDir("/usr/bin/sudo"));
        assertEquals("/etc/ssl", LandlockConfig.baseDir("/etc/ssl/cert*.pem"));
        assertEquals("/", LandlockConfig.baseDir("**"));
    }
}
