package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.SeqpacketSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The launch seam for the daemon: starts a command under the exec wrapper, arms it and hands
 * back the running process with its supervisor.
 *
 * <pre>
 * GovernedLauncher launcher = new GovernedLauncher(wrapperBinary, runtimeDir, events, options);
 * ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd);  // env, redirects as the daemon wants
 * GovernedProcess p = launcher.launch(sessionId, kernelPolicy, plan, pb);
 * int exit = p.process().waitFor();
 * </pre>
 *
 * Each launch gets its own socket (mode 0600 in a 0700 directory) and a fresh random token;
 * the connection must come from the very process that was started (SO_PEERCRED pid) and carry
 * the token, otherwise the wrapper is refused and exits 126. Arming is synchronous: when
 * {@code launch} returns, the filter is installed and served, and the command is being exec'd.
 */
public final class GovernedLauncher {
    private static final int ARM_TIMEOUT_MS = 10_000;
    private final Path wrapper;
    private final Path runtimeDir;
    private final EnforcementEvents events;
    private final SupervisorOptions options;
    private final SecureRandom random = new SecureRandom();

    public GovernedLauncher(Path wrapper, Path runtimeDir, EnforcementEvents events, SupervisorOptions options)
            throws IOException {
        if (!Files.isExecutable(wrapper)) throw new IOException("exec wrapper not found or not executable: " + wrapper);
        this.wrapper = wrapper;
        this.runtimeDir = runtimeDir;
        this.events = events;
        this.options = options;
        Files.createDirectories(runtimeDir);
        Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwx------"));
    }

    public GovernedProcess launch(String sessionId, KernelPolicy policy, ArmingPlan plan, ProcessBuilder command)
            throws IOException {
        List<String> argv = command.command();
        if (argv.isEmpty()) throw new IllegalArgumentException("empty command");
        byte[] tokenBytes = new byte[32];
        random.nextBytes(tokenBytes);
        String token = HexFormat.of().formatHex(tokenBytes);
        Path sock = runtimeDir.resolve("arm-" + token.substring(0, 16) + ".sock");
        List<String> wrapped = new ArrayList<>(List.of(wrapper.toString(), "--sock", sock.toString(), "--token", token, "--"));
        wrapped.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(wrapped)
                .directory(command.directory())
                .redirectInput(command.redirectInput())
                .redirectOutput(command.redirectOutput())
                .redirectError(command.redirectError())
                .redirectErrorStream(command.redirectErrorStream());
        pb.environment().clear();
        pb.environment().putAll(command.environment());

        Process process = null;
        try (SeqpacketSocket server = SeqpacketSocket.listen(sock.toString(), 1)) {
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
            process = pb.start();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ARM_TIMEOUT_MS);
            SeqpacketSocket conn = null;
            while (conn == null) {
                if (!process.isAlive()) throw new IOException("exec wrapper exited before arming (exit " + process.exitValue() + ")");
                if (System.nanoTime() > deadline) throw new IOException("exec wrapper did not connect within " + ARM_TIMEOUT_MS + " ms");
                conn = server.accept(100);
            }
            try (SeqpacketSocket c = conn) {
                return arm(c, process, token, sessionId, policy, plan);
            }
        } catch (IOException | RuntimeException e) {
            if (process != null) process.destroyForcibly();
            throw e instanceof IOException io ? io : new IOException("arming failed: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(sock);
        }
    }

    private GovernedProcess arm(SeqpacketSocket conn, Process process, String token, String sessionId,
                                KernelPolicy policy, ArmingPlan plan) throws IOException {
        int peer = conn.peerPid();
        WrapperProtocol.Hello hello = WrapperProtocol.parseHello(conn.receive(ARM_TIMEOUT_MS).data());
        boolean tokenOk = MessageDigest.isEqual(hello.token().getBytes(), token.getBytes());
        if (!tokenOk || hello.version() != WrapperProtocol.VERSION || peer != process.pid() || hello.pid() != peer) {
            conn.send(WrapperProtocol.reject("arming refused: unexpected caller"), -1);
            throw new IOException("exec wrapper handshake refused (token/version/pid mismatch)");
        }
        conn.send(WrapperProtocol.plan(plan.flags(), plan.program()), plan.landlock() != null ? plan.landlock().fd() : -1);
        SeqpacketSocket.Message m = conn.receive(ARM_TIMEOUT_MS);
        if (!WrapperProtocol.isListenerMessage(m.data()) || m.fd() < 0) {
            if (m.fd() >= 0) io.agentsh.core.kernel.sys.LinuxSyscalls.close(m.fd());
            conn.send(WrapperProtocol.reject("no seccomp listener received"), -1);
            throw new IOException("exec wrapper sent no seccomp listener");
        }
        Supervisor supervisor = Supervisor.start(sessionId, policy, events, options, m.fd(), peer);
        conn.send(WrapperProtocol.armed(), -1);
        return new GovernedProcess(process, supervisor);
    }
}
