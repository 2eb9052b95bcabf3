package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unix-socket rules at connect/bind: resolved paths (symlinks, relative), abstract names. */
class UnixSocketTest {
    @TempDir Path tmp;

    @Test
    void connectAndBindFollowTheUnixSocketRules() throws Exception {
        Path okSock = tmp.resolve("ok.sock");
        Path deniedSock = tmp.resolve("denied.sock");
        try (ServerSocketChannel ok = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             ServerSocketChannel no = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ok.bind(UnixDomainSocketAddress.of(okSock));
            no.bind(UnixDomainSocketAddress.of(deniedSock));
            KernelPolicy unixRules = new KernelPolicy() {
                @Override public KernelVerdict checkFile(String path, FileAccess op) { return KernelVerdict.ALLOW; }
                @Override public KernelVerdict checkExecve(String f, List<String> argv, int depth) { return KernelVerdict.ALLOW; }
                @Override public boolean governsUnixSockets() { return true; }
                @Override public KernelVerdict checkUnixSocket(String path, UnixAccess op) {
                    if (path.equals(deniedSock.toString()) || path.equals("@agentsh-denied") || path.endsWith("/bound-denied.sock"))
                        return KernelVerdict.deny("deny-unix", "");
                    return KernelVerdict.ALLOW;
                }
            };
            ArmingPlan plan = new ArmingPlan(SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, true, true)), null, true);
            GovernedHarness h = new GovernedHarness(unixRules, tmp.resolve("run"), plan);
            Files.createSymbolicLink(tmp.resolve("alias.sock"), deniedSock);
            String py = String.join("\n",
                    "import socket",
                    "def c(a):",
                    "  s=socket.socket(socket.AF_UNIX)",
                    "  try:",
                    "    s.connect(a); print('ok', a)",
                    "  except OSError as e: print('errno', e.errno, a)",
                    "def b(a):",
                    "  s=socket.socket(socket.AF_UNIX)",
                    "  try:",
                    "    s.bind(a); print('bound', a)",
                    "  except OSError as e: print('errno', e.errno, a)",
                    "c('ok.sock'); c('" + deniedSock + "'); c('alias.sock'); c('\\0agentsh-denied')",
                    "b('bound-ok.sock'); b('bound-denied.sock')",
                    "t=socket.socket(); t.bind(('127.0.0.1', 0)); print('tcp bound')");
            var r = h.run(Map.of(), tmp, "/usr/bin/python3", "-c", py);
            assertTrue(r.stdout().contains("ok ok.sock"), r.toString());
            assertTrue(r.stdout().contains("errno 13 " + deniedSock), r.toString());
            assertTrue(r.stdout().contains("errno 13 alias.sock"), r.toString());
            assertTrue(r.stdout().contains("errno 13 \0agentsh-denied"), r.toString());
            assertTrue(r.stdout().contains("bound bound-ok.sock"), r.toString());
            assertTrue(r.stdout().contains("errno 13 bound-denied.sock"), r.toString());
            assertTrue(r.stdout().contains("tcp bound"), r.toString());
            assertFalse(Files.exists(tmp.resolve("bound-denied.sock")));
        }
    }
}
