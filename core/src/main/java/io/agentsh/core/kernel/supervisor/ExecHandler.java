package io.agentsh.core.kernel.supervisor;

import static io.agentsh.core.kernel.sys.FsCalls.AT_EMPTY_PATH;
import static io.agentsh.core.kernel.sys.FsCalls.AT_FDCWD;
import static io.agentsh.core.kernel.sys.FsCalls.AT_SYMLINK_NOFOLLOW;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.ProcessMemory;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.util.ArrayList;
import java.util.List;

/**
 * execve/execveat of every process in the tree. The filename is canonicalised (symlinks
 * followed, /proc/self/... as the tracee's own) and, with argv, handed to the policy, which
 * unwraps env, xargs, the dynamic loader and friends. Allowed execs CONTINUE: the kernel reads
 * the same memory again, which is safe only when no other running task can write it, so that
 * is checked first ({@link ExecMemoryGuard}); an exec whose arguments another task could
 * rewrite is refused rather than checked on a copy that may not be what runs.
 */
final class ExecHandler {
    static final int MAX_ARGC = 1000;
    static final int MAX_ARGV_BYTES = 65536;

    private final SupervisorContext ctx;
    private final CallResponder listener;
    private final ProcessMemory memory;
    private final TraceeResolver resolver;
    private final ProcessTree tree;
    private final ExecMemoryGuard guard = new ExecMemoryGuard();

    ExecHandler(SupervisorContext ctx, CallResponder listener, ProcessMemory memory, TraceeResolver resolver,
                ProcessTree tree) {
        this.ctx = ctx;
        this.listener = listener;
        this.memory = memory;
        this.resolver = resolver;
        this.tree = tree;
    }

    void handle(TrappedCall n, TraceeInfo t) {
        boolean at = n.nr() == SyscallNumbers.EXECVEAT;
        int dirfd = at ? n.intArg(0) : AT_FDCWD;
        long fileAddr = at ? n.arg(1) : n.arg(0);
        long argvAddr = at ? n.arg(2) : n.arg(1);
        int flags = at ? n.intArg(4) : 0;
        String syscall = SyscallNumbers.name(n.nr());

        String raw = memory.readString(t.tid(), fileAddr);
        if (raw == null) {
            deny(n, t, syscall, "exec filename unreadable");
            return;
        }
        List<Long> addresses = new ArrayList<>();
        addresses.add(fileAddr);
        List<String> argv = readArgv(t.tid(), argvAddr, addresses);
        if (argv == null) {
            deny(n, t, syscall, "exec argv unreadable or over " + MAX_ARGC + " args / " + MAX_ARGV_BYTES + " bytes");
            return;
        }
        ResolvedPath r = (at && raw.isEmpty() && (flags & AT_EMPTY_PATH) != 0)
                ? resolver.resolveFd(t, dirfd)
                : resolver.resolve(t, dirfd, raw, (flags & AT_SYMLINK_NOFOLLOW) == 0);
        if (!r.ok()) {
            // The kernel would fail this exec too; answering the errno ourselves keeps it so.
            listener.respondError(n.id(), r.errno() == Errno.EBADF && raw.isEmpty() ? Errno.EACCES : r.errno());
            return;
        }
        if (!r.exists()) {
            listener.respondError(n.id(), Errno.ENOENT);
            return;
        }
        if (r.procLink()) {
            deny(n, t, syscall, "exec of a file without a path (memfd, deleted file) refused");
            return;
        }
        String unsafe = guard.check(t, addresses);
        if (unsafe != null && ctx.strictExecRace()) {
            deny(n, t, syscall, unsafe);
            return;
        }
        int depth = tree.execDepth(t);
        KernelVerdict v = ctx.policy().checkExecve(r.policyPath(), argv, depth);
        if (!listener.idValid(n.id())) return;
        if (v.allowed()) listener.respondContinue(n.id());
        else listener.respondError(n.id(), Errno.EACCES);
        if (!v.allowed() || ctx.logAllowed()) ctx.events().exec(ctx.sessionId(), t.tid(), r.policyPath(), argv, depth, v);
    }

    private List<String> readArgv(int pid, long argvAddr, List<Long> addresses) {
        List<String> out = new ArrayList<>();
        if (argvAddr == 0) return out; // Linux treats a NULL argv as empty
        addresses.add(argvAddr);
        int bytes = 0;
        for (int i = 0; i <= MAX_ARGC; i++) {
            long p = memory.readLong(pid, argvAddr + 8L * i);
            if (p == Long.MIN_VALUE) return null;
            if (p == 0) return out;
            if (i == MAX_ARGC) return null;
            String s = memory.readString(pid, p);
            if (s == null) return null;
            bytes += s.length() + 1;
            if (bytes > MAX_ARGV_BYTES) return null;
            addresses.add(p);
            out.add(s);
        }
        return null;
    }

    private void deny(TrappedCall n, TraceeInfo t, String syscall, String reason) {
        listener.respondError(n.id(), Errno.EACCES);
        ctx.events().failure(ctx.sessionId(), t.tid(), syscall, reason + ": denied");
    }
}
