package io.agentsh.core.kernel.supervisor;

import static io.agentsh.core.kernel.sys.SyscallNumbers.BIND;
import static io.agentsh.core.kernel.sys.SyscallNumbers.CONNECT;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.ProcessMemory;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * connect/bind, trapped only when the policy has unix-socket rules. AF_UNIX addresses are
 * resolved (relative to the tracee's cwd, symlinks followed for connect) and judged by
 * {@code checkUnixSocket}; abstract names as {@code @name}.
 *
 * <p>These are not emulated (a connect made by the supervisor would carry the daemon's
 * credentials in SO_PEERCRED), so an allowed call CONTINUEs, which is race-free only when no
 * other task can rewrite the address: checked with {@link ExecMemoryGuard}. An AF_UNIX address
 * in memory another task can write is refused; a non-unix address there is emulated on a copy
 * (pidfd_getfd + connect/bind on the supervisor's duplicate of the socket) so it cannot be
 * swapped for a unix one after the check.
 */
final class SocketHandler {
    private static final int AF_UNIX = 1;
    private static final int MAX_ADDR = 128;
    private final SupervisorContext ctx;
    private final CallResponder listener;
    private final ProcessMemory memory;
    private final TraceeResolver resolver;
    private final ExecMemoryGuard guard = new ExecMemoryGuard();
    private final byte[] addr = new byte[MAX_ADDR];

    SocketHandler(SupervisorContext ctx, CallResponder listener, ProcessMemory memory, TraceeResolver resolver) {
        this.ctx = ctx;
        this.listener = listener;
        this.memory = memory;
        this.resolver = resolver;
    }

    static boolean handles(int nr) {
        return nr == CONNECT || nr == BIND;
    }

    void handle(TrappedCall n, TraceeInfo t) {
        int sockfd = n.intArg(0);
        long addrPtr = n.arg(1);
        int len = n.intArg(2);
        if (len < 2 || len > MAX_ADDR || addrPtr == 0) {
            // The kernel rejects these without reading a usable address; nothing to race.
            listener.respondContinue(n.id());
            return;
        }
        int got = memory.read(t.tid(), addrPtr, len);
        if (got < len) {
            listener.respondError(n.id(), Errno.EFAULT);
            return;
        }
        memory.copyLast(addr, len);
        int family = (addr[0] & 0xff) | (addr[1] & 0xff) << 8;
        boolean safe = guard.check(t, List.of(addrPtr)) == null;
        UnixAccess op = n.nr() == CONNECT ? UnixAccess.CONNECT : UnixAccess.BIND;
        String syscall = SyscallNumbers.name(n.nr());
        if (family != AF_UNIX) {
            if (!listener.idValid(n.id())) return;
            if (safe) listener.respondContinue(n.id());
            else emulateOnCopy(n.id(), t.tgid(), sockfd, len, n.nr());
            return;
        }
        String path = unixPath(t, len, op);
        if (path == null) {
            listener.respondError(n.id(), Errno.ENOENT);
            return;
        }
        KernelVerdict v = ctx.policy().checkUnixSocket(path, op);
        if (!listener.idValid(n.id())) return;
        if (!v.allowed() || ctx.logAllowed()) ctx.events().unixSocket(ctx.sessionId(), t.tid(), syscall, op, path, v);
        if (!v.allowed()) {
            listener.respondError(n.id(), Errno.EACCES);
        } else if (safe) {
            listener.respondContinue(n.id());
        } else {
            listener.respondError(n.id(), Errno.EACCES);
            ctx.events().failure(ctx.sessionId(), t.tid(), syscall, "unix socket address in memory another task can write: denied");
        }
    }

    private String unixPath(TraceeInfo t, int len, UnixAccess op) {
        if (len == 2) return "@";
        if (addr[2] == 0) return "@" + new String(addr, 3, len - 3, StandardCharsets.UTF_8);
        int end = 2;
        while (end < len && addr[end] != 0) end++;
        String raw = new String(addr, 2, end - 2, StandardCharsets.UTF_8);
        ResolvedPath r = resolver.resolve(t, FsCalls.AT_FDCWD, raw, op == UnixAccess.CONNECT);
        return r.ok() ? r.policyPath() : null;
    }

    /** connect/bind on the supervisor's duplicate of the tracee's socket, with our copy of the address. */
    private void emulateOnCopy(long id, int tgid, int sockfd, int len, int nr) {
        byte[] copy = java.util.Arrays.copyOf(addr, len);
        Runnable work = () -> {
            CallResponder l = ctx.freshResponder();
            long pidfd = LinuxSyscalls.call(SyscallNumbers.PIDFD_OPEN, tgid, 0, 0);
            if (pidfd < 0) { l.respondError(id, Errno.ESRCH); return; }
            long dup = LinuxSyscalls.call(SyscallNumbers.PIDFD_GETFD, pidfd, sockfd, 0);
            LinuxSyscalls.close((int) pidfd);
            if (dup < 0) { l.respondError(id, (int) -dup); return; }
            Pointer a = LinuxSyscalls.allocate(len);
            a.put(0, copy, 0, len);
            long r = LinuxSyscalls.call(nr, dup, a.address(), len);
            LinuxSyscalls.close((int) dup);
            if (r < 0) l.respondError(id, (int) -r); else l.respondValue(id, r);
        };
        if (nr == CONNECT) ctx.async(work); // a TCP connect can take long: not on the loop thread
        else work.run();
    }
}
