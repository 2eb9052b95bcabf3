package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.ProcessMemory;
import io.agentsh.core.kernel.sys.SyscallNumbers;

/**
 * The decision code both backends share: one handler set per serving thread (buffers are not
 * shared between threads), dispatching a {@link TrappedCall} to the exec, file, signal or socket
 * handler, which resolves, asks the policy, reports and answers through a {@link CallResponder}.
 * The seccomp {@link Supervisor} and the {@link PtraceSupervisor} differ only in how calls arrive
 * and how answers are applied.
 */
final class SyscallHandlers {
    private static final int SYS_UNSHARE = SyscallNumbers.UNSHARE, CLONE_FS = 0x200, SYS_UMASK = SyscallNumbers.UMASK;

    private final FileHandler files;
    private final ExecHandler execs;
    private final SignalHandler signals;
    private final SocketHandler sockets;
    private final TraceeInfo tracee = new TraceeInfo();
    private final CallResponder responder;

    private SyscallHandlers(FileHandler files, ExecHandler execs, SignalHandler signals, SocketHandler sockets,
                            CallResponder responder) {
        this.files = files;
        this.execs = execs;
        this.signals = signals;
        this.sockets = sockets;
        this.responder = responder;
    }

    /** Must run on the thread that will dispatch: it gives that thread its own fs context. */
    static SyscallHandlers create(SupervisorContext ctx, CallResponder responder, ProcessTree tree) {
        // This thread's own umask (and cwd/root) so emulated creates apply exactly the tracee's
        // umask; CLONE_FS unsharing is per thread and leaves the rest of the JVM alone.
        if (LinuxSyscalls.call(SYS_UNSHARE, CLONE_FS, 0, 0) != 0)
            throw new IllegalStateException("unshare(CLONE_FS) failed on a supervisor thread");
        LinuxSyscalls.call(SYS_UMASK, 0, 0, 0);
        FsCalls fs = new FsCalls();
        ProcessMemory memory = new ProcessMemory();
        TraceeResolver resolver = new TraceeResolver(fs, ctx.rootFd());
        return new SyscallHandlers(new FileHandler(ctx, responder, memory, fs, resolver, new ThreadCredentials()),
                new ExecHandler(ctx, responder, memory, resolver, tree), new SignalHandler(ctx, responder, tree),
                new SocketHandler(ctx, responder, memory, resolver), responder);
    }

    static boolean handles(int nr) {
        return nr == SyscallNumbers.EXECVE || nr == SyscallNumbers.EXECVEAT || FileHandler.handles(nr)
                || SignalHandler.handles(nr) || SocketHandler.handles(nr);
    }

    /** The tgid of the last dispatched call's task if a handler read it from /proc, else 0. */
    int lastTgid() {
        return tracee.knownTgid();
    }

    void dispatch(TrappedCall n) {
        tracee.reset(n.pid());
        int nr = n.nr();
        if (nr == SyscallNumbers.EXECVE || nr == SyscallNumbers.EXECVEAT) execs.handle(n, tracee);
        else if (FileHandler.handles(nr)) files.handle(n, tracee);
        else if (SignalHandler.handles(nr)) signals.handle(n, tracee);
        else if (SocketHandler.handles(nr)) sockets.handle(n, tracee);
        else responder.respondError(n.id(), Errno.ENOSYS);
    }
}
