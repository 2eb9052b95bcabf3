package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.kernel.bpf.SeccompFilterBuilder;
import io.agentsh.core.kernel.seccomp.SyscallSets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connect_redirects on the syscall path: the tracee's TCP connect lands on the rule's target. */
class ConnectRedirectTest {
    @TempDir Path tmp;

    @Test
    void tcpConnectIsSentToTheTargetOrFailsClosed() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket unused = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int dead = unused.getLocalPort();
            unused.close(); // nothing listens there any more: reaching it would fail
            Thread server = Thread.ofVirtual().start(() -> {
                while (!target.isClosed()) {
                    try (Socket c = target.accept()) {
                        c.getOutputStream().write("redirect-target\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            int port = target.getLocalPort();
            KernelPolicy redirects = new KernelPolicy() {
                @Override public KernelVerdict checkFile(String path, FileAccess op) { return KernelVerdict.ALLOW; }
                @Override public KernelVerdict checkExecve(String f, List<String> argv, int depth) { return KernelVerdict.ALLOW; }
                @Override public boolean governsConnectRedirects() { return true; }
                // like the engine with no unix_socket_rules: its default denies every unix socket
                @Override public KernelVerdict checkUnixSocket(String path, UnixAccess op) {
                    return KernelVerdict.deny("default-deny-unix", "");
                }
                @Override public KernelRedirect connectRedirect(String ip, int p) {
                    if (ip.equals("127.0.0.1") && p == dead) return new KernelRedirect("to-target", "localhost", port, null, false, false, "");
                    if (ip.equals("127.0.0.3") && p == dead) return new KernelRedirect("to-unix", null, 0, "/run/x.sock", false, false, "");
                    return null;
                }
            };
            ArmingPlan plan = new ArmingPlan(SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED,
                    true, redirects.governsUnixSockets() || redirects.governsConnectRedirects())), null, true);
            GovernedHarness h = new GovernedHarness(redirects, tmp.resolve("run"), plan);
            String py = String.join("\n",
                    "import socket",
                    "def c(host, port, fam=socket.AF_INET):",
                    "  s=socket.socket(fam)",
                    "  try:",
                    "    s.connect((host, port)); print('got', host, s.recv(100).decode().strip())",
                    "  except OSError as e: print('errno', e.errno, host)",
                    "c('127.0.0.1', " + dead + ")",
                    "c('::ffff:127.0.0.1', " + dead + ", socket.AF_INET6)",
                    "c('127.0.0.3', " + dead + ")",
                    "c('127.0.0.1', " + port + ")",
                    "u=socket.socket(socket.AF_UNIX)",
                    "try:",
                    "  u.bind('" + tmp.resolve("free.sock") + "'); print('unix bound')",
                    "except OSError as e: print('unix errno', e.errno)");
            var r = h.run(Map.of(), tmp, "/usr/bin/python3", "-c", py);
            assertTrue(r.stdout().contains("got 127.0.0.1 redirect-target"), r.toString() + h.redirects);
            assertTrue(r.stdout().contains("got ::ffff:127.0.0.1 redirect-target"), r.toString() + h.redirects);
            assertTrue(r.stdout().contains("errno 13 127.0.0.3"), r.toString());
            // no unix_socket_rules: trapping connect for redirects must not judge unix sockets
            assertTrue(r.stdout().contains("unix bound"), r.toString());
            assertEquals(2, r.stdout().lines().filter(l -> l.startsWith("got 127.0.0.1")).count(), r.toString());
            assertTrue(h.redirects.contains("127.0.0.1:" + dead + " -> localhost:" + port + " rule=to-target"), h.redirects.toString());
            assertTrue(h.redirects.stream().anyMatch(s -> s.startsWith("127.0.0.3:" + dead) && s.contains("fellBack=false")),
                    h.redirects.toString());
            target.close();
            server.join(2000);
        }
    }
}
