package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One command waiting to be armed. For launchers that start the process themselves (the
 * daemon's CommandLauncher/LaunchPlan seam):
 * <pre>
 * PendingArm arm = PendingArm.open(wrapper, runtimeDir, sessionId, policy, plan, events, options);
 * List&lt;String&gt; argv = arm.argv(executable, argv0, args);   // start exactly this
 * ... process started ...  arm.started(pid);                 // or arm.startFailed()
 * TreeSupervisor s = arm.armed().get();                           // completes once the filter is served
 * </pre>
 * A socket of its own (0600, in a 0700 directory) and a fresh random token per command; the
 * connection must come from the started pid (SO_PEERCRED) and carry the token, otherwise the
 * wrapper is refused and exits 126 without running the command.
 */
public final class PendingArm implements AutoCloseable {
    /**
     * How long the wrapper may take from start to each protocol step. Generous: at 200 concurrent
     * commands on a loaded 2-core VM (each forking, and with a PID namespace mounting a /proc)
     * 10 s was seen to run out; a timed-out command is refused (126), never run unarmed.
     */
    static final int ARM_TIMEOUT_MS = 30_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path wrapper;
    private final Path socketPath;
    private final String token;
    private final SeqpacketSocket server;
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    private final CompletableFuture<TreeSupervisor> armed = new CompletableFuture<>();
    /** Under ptrace: the tree seized by the arming thread, which serves it once the wrapper is armed. */
    private PtraceSupervisor tracer;

    private PendingArm(Path wrapper, Path socketPath, String token, SeqpacketSocket server) {
        this.wrapper = wrapper;
        this.socketPath = socketPath;
        this.token = token;
        this.server = server;
    }

    /**
     * Runs after the filter is installed and before the command is exec'd, with the wrapper's pid
     * (= the command's): the place to move it into its cgroup with nothing yet running outside.
     * Throwing refuses the command (the wrapper exits 126).
     */
    @FunctionalInterface
    public interface BeforeExec {
        void accept(long pid) throws Exception;
    }

    public static PendingArm open(Path wrapper, Path runtimeDir, String sessionId, KernelPolicy policy, ArmingPlan plan,
                                  EnforcementEvents events, SupervisorOptions options) throws IOException {
        return open(wrapper, runtimeDir, sessionId, policy, plan, events, options, pid -> { });
    }

    public static PendingArm open(Path wrapper, Path runtimeDir, String sessionId, KernelPolicy policy, ArmingPlan plan,
                                  EnforcementEvents events, SupervisorOptions options, BeforeExec beforeExec) throws IOException {
        return open(wrapper, runtimeDir, sessionId, policy, plan, events, options, beforeExec, NamespaceJoin.NONE);
    }

    /**
     * As above; the command first joins the namespaces of {@code join} (the wrapper's SETNS plan
     * items). The join's descriptors are this object's from now on: closed once sent, or when
     * arming fails.
     */
    public static PendingArm open(Path wrapper, Path runtimeDir, String sessionId, KernelPolicy policy, ArmingPlan plan,
                                  EnforcementEvents events, SupervisorOptions options, BeforeExec beforeExec,
                                  NamespaceJoin join) throws IOException {
        try {
            return start(wrapper, runtimeDir, sessionId, policy, plan, events, options, beforeExec, join);
        } catch (IOException | RuntimeException e) {
            join.close();
            throw e;
        }
    }

    private static PendingArm start(Path wrapper, Path runtimeDir, String sessionId, KernelPolicy policy, ArmingPlan plan,
                                    EnforcementEvents events, SupervisorOptions options, BeforeExec beforeExec,
                                    NamespaceJoin join) throws IOException {
        prepare(runtimeDir, false);
        byte[] t = new byte[32];
        RANDOM.nextBytes(t);
        String token = HexFormat.of().formatHex(t);
        Path sock = runtimeDir.resolve("arm-" + token.substring(0, 16) + ".sock");
        SeqpacketSocket server;
        try {
            server = SeqpacketSocket.listen(sock.toString(), 1);
        } catch (IOException e) {
            // The directory went away (or its mode changed) since it was made: make it again, once.
            prepare(runtimeDir, true);
            server = SeqpacketSocket.listen(sock.toString(), 1);
        }
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
        PendingArm a = new PendingArm(wrapper, sock, token, server);
        ReusedThreads.start("agentsh-arm-" + token.substring(0, 8), () -> {
            try (join) {
                a.serve(sessionId, policy, plan, events, options, beforeExec, join);
            }
        });
        return a;
    }

    /** Runtime directories already made 0700 by this daemon: checked once, not on every command. */
    private static final java.util.Set<Path> PREPARED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void prepare(Path runtimeDir, boolean again) throws IOException {
        if (!again && PREPARED.contains(runtimeDir)) return;
        Files.createDirectories(runtimeDir);
        Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwx------"));
        PREPARED.add(runtimeDir);
    }

    /** The command line to start: the wrapper, then the command (argv0 may rename argv[0]). */
    public List<String> argv(String executable, String argv0, List<String> args) {
        return argv(executable, argv0, args, false);
    }

    /** As above; {@code ctty}: after setsid the wrapper takes its fd 0 (a pty slave) as controlling terminal. */
    public List<String> argv(String executable, String argv0, List<String> args, boolean ctty) {
        List<String> out = new ArrayList<>(List.of(wrapper.toString(), "--sock", socketPath.toString(), "--token", token));
        if (ctty) out.add("--ctty");
        if (argv0 != null && !argv0.isEmpty()) out.addAll(List.of("--argv0", argv0));
        out.add("--");
        out.add(executable);
        out.addAll(args);
        return out;
    }

    /** The launcher started the wrapper with this pid. */
    public void started(long pid) {
        this.pid.complete(pid);
    }

    /** The launcher could not start it: stop waiting. */
    public void startFailed() {
        pid.completeExceptionally(new IOException("the command was not started"));
    }

    /** Completes with the running supervisor once the wrapper is armed; exceptionally when refused. */
    public CompletableFuture<TreeSupervisor> armed() {
        return armed;
    }

    private void serve(String sessionId, KernelPolicy policy, ArmingPlan plan, EnforcementEvents events, SupervisorOptions options,
                       BeforeExec beforeExec, NamespaceJoin join) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ARM_TIMEOUT_MS);
        try (SeqpacketSocket srv = server) {
            SeqpacketSocket conn = null;
            while (conn == null) {
                if (pid.isCompletedExceptionally()) throw new IOException("the command was not started");
                if (System.nanoTime() > deadline) throw new IOException("exec wrapper did not connect within " + ARM_TIMEOUT_MS + " ms");
                conn = srv.accept(100);
            }
            try (SeqpacketSocket c = conn) {
                TreeSupervisor s;
                try {
                    s = handshake(c, deadline, sessionId, policy, plan, events, options, beforeExec, join);
                } catch (Exception e) {
                    // ARMD was not sent, the command never ran: it is killed and let go by this thread.
                    if (tracer != null) tracer.abandon();
                    tracer = null;
                    throw e;
                }
                armed.complete(s);
            }
        } catch (IOException | RuntimeException e) {
            armed.completeExceptionally(e);
        } catch (Exception e) {
            armed.completeExceptionally(new IOException("arming failed: " + e, e));
        } finally {
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException ignored) {
                // the directory is private; a leftover socket name is harmless
            }
        }
        // Under ptrace this thread seized the command and is its tracer from here to the tree's end.
        if (tracer != null) tracer.serve();
    }

    private TreeSupervisor handshake(SeqpacketSocket c, long deadline, String sessionId, KernelPolicy policy, ArmingPlan plan,
                                     EnforcementEvents events, SupervisorOptions options, BeforeExec beforeExec,
                                     NamespaceJoin join) throws Exception {
        int peer = c.peerPid();
        WrapperProtocol.Hello hello = WrapperProtocol.parseHello(c.receive(ARM_TIMEOUT_MS).data());
        long expected;
        try {
            expected = pid.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            c.send(WrapperProtocol.reject("arming refused: launcher never reported the pid"), -1);
            throw new IOException("launcher did not report the started pid");
        }
        boolean tokenOk = MessageDigest.isEqual(hello.token().getBytes(), token.getBytes());
        if (!tokenOk || hello.version() != WrapperProtocol.VERSION || peer != expected || hello.pid() != peer) {
            c.send(WrapperProtocol.reject("arming refused: unexpected caller"), -1);
            throw new IOException("exec wrapper handshake refused (token/version/pid mismatch)");
        }
        // A PID-namespaced command adds a rule for its own /proc: it gets a copy of the ruleset.
        try (var own = plan.pidNamespace() && plan.landlock() != null ? plan.landlock().copy() : null) {
            var rs = own != null ? own : plan.landlock();
            int[] fds = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(rs != null ? rs.fd() : -1,
                    join.mountFd(), join.netFd()), java.util.stream.IntStream.of(join.cgroupFds())).filter(fd -> fd >= 0).toArray();
            c.send(WrapperProtocol.plan(plan.flags() | join.flags(), plan.program(), plan.keepCapabilities(), join.cwd(),
                    join.cgroupFds().length), fds);
        }
        var m = c.receive(ARM_TIMEOUT_MS);
        boolean listenerExpected = plan.backend() != SupervisionBackend.PTRACE;
        if (!WrapperProtocol.isListenerMessage(m.data()) || (m.fd() >= 0) != listenerExpected) {
            if (m.fd() >= 0) LinuxSyscalls.close(m.fd());
            c.send(WrapperProtocol.reject(listenerExpected ? "no seccomp listener received" : "unexpected listener fd"), -1);
            throw new IOException(listenerExpected ? "exec wrapper sent no seccomp listener" : "exec wrapper sent a listener in ptrace mode");
        }
        int root = peer;
        if (plan.pidNamespace() || plan.backend() != SupervisionBackend.SECCOMP) {
            // The wrapper forked (into the new PID namespace, or to keep the traced command from
            // being our own child); the child (its pid as the wrapper's parent half saw it, i.e.
            // in our namespace) is what execs: the tree's root, and what joins the cgroup. It
            // must really be the verified wrapper's child, or, under ptrace, the wrapper itself
            // when it is not this process's child (see tracedInPlace).
            int execPid = WrapperProtocol.listenerPid(m.data());
            if (execPid <= 0 || !(ProcessTree.parentOf(execPid) == peer || tracedInPlace(plan, execPid, peer))) {
                if (m.fd() >= 0) LinuxSyscalls.close(m.fd());
                c.send(WrapperProtocol.reject("arming refused: the forked child is not the wrapper's"), -1);
                throw new IOException("exec wrapper reported pid " + execPid + ", not a child of " + peer);
            }
            root = execPid;
        }
        TreeSupervisor s = null;
        if (plan.backend().listens()) s = Supervisor.start(sessionId, policy, events, options, m.fd(), root);
        if (plan.backend().traces()) {
            PtraceSupervisor tracer;
            try {
                tracer = PtraceSupervisor.seize(sessionId, policy, events, options, root); // this thread is now the tracer
            } catch (IOException e) {
                if (s != null) s.stop();
                c.send(WrapperProtocol.reject("ptrace attach failed"), -1);
                throw new IOException("cannot trace the command: " + e.getMessage(), e);
            }
            this.tracer = tracer; // from here on a failure abandons it (serve), after the reject is sent
            s = s == null ? tracer : new HybridSupervisor(s, tracer);
        }
        try {
            beforeExec.accept(root);
        } catch (Exception e) {
            c.send(WrapperProtocol.reject("refused before exec: " + e.getMessage()), -1);
            s.stop();
            throw new IOException("refused before exec: " + e.getMessage(), e);
        }
        c.send(WrapperProtocol.armed(), -1);
        return s;
    }

    /**
     * Under ptrace (without a PID namespace) a wrapper that is not this daemon's child needs no
     * relay fork and is traced in place: the tracer reaping it as its tracer then takes no exit
     * status from this process's runner, whose children are the only ones it waits for. A
     * wrapper this process started must have forked.
     */
    private static boolean tracedInPlace(ArmingPlan plan, int execPid, int peer) {
        if (!plan.backend().traces() || plan.pidNamespace() || execPid != peer) return false;
        int parent = ProcessTree.parentOf(peer);
        return parent > 0 && parent != ProcessHandle.current().pid();
    }

    @Override
    public void close() {
        startFailed();
    }
}
