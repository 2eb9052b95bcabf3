package io.agentsh.core.kernel.supervisor;

import static io.agentsh.core.kernel.sys.FsCalls.*;
import static io.agentsh.core.kernel.sys.SyscallNumbers.*;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.ProcessMemory;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import io.agentsh.core.trash.SoftDeleter;
import java.nio.file.Path;

/**
 * Trapped file syscalls. Every one is emulated: the supervisor reads the path once, resolves
 * it, asks the policy, and then performs the operation itself on exactly the path it checked
 * (opens are handed to the tracee with SECCOMP_IOCTL_NOTIF_ADDFD + SEND). Nothing is answered
 * with CONTINUE, so a second thread rewriting the path after the check changes nothing; see
 * docs/race-freedom.md for the argument per syscall.
 */
final class FileHandler {
    /** Lookups of the final object: beneath the root, through no symlink of any kind. */
    private static final long STRICT = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    private static final int OPEN_HOW_SIZE = 24;
    private static final int SYS_FACCESSAT2 = 439, AT_EACCESS = 0x200;
    private static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
    private static final jnr.ffi.Pointer EMPTY = LinuxSyscalls.cString("");

    private final SupervisorContext ctx;
    private final CallResponder listener;
    private final ProcessMemory memory;
    private final FsCalls fs;
    private final TraceeResolver resolver;
    private final ThreadCredentials creds;

    FileHandler(SupervisorContext ctx, CallResponder listener, ProcessMemory memory, FsCalls fs,
                TraceeResolver resolver, ThreadCredentials creds) {
        this.ctx = ctx;
        this.listener = listener;
        this.memory = memory;
        this.fs = fs;
        this.resolver = resolver;
        this.creds = creds;
    }

    static boolean handles(int nr) {
        return switch (nr) {
            case OPEN, OPENAT, OPENAT2, CREAT, TRUNCATE, UNLINK, UNLINKAT, RMDIR, MKDIR, MKDIRAT, RENAME,
                 RENAMEAT, RENAMEAT2, LINK, LINKAT, SYMLINK, SYMLINKAT, CHMOD, FCHMODAT, FCHMODAT2, CHOWN,
                 LCHOWN, FCHOWNAT, MKNOD, MKNODAT -> true;
            default -> false;
        };
    }

    void handle(TrappedCall n, TraceeInfo t) {
        int nr = n.nr();
        switch (nr) {
            case OPEN -> open(n, t, AT_FDCWD, n.arg(0), n.intArg(1), n.intArg(2), 0);
            case OPENAT -> open(n, t, n.intArg(0), n.arg(1), n.intArg(2), n.intArg(3), 0);
            case OPENAT2 -> openat2(n, t);
            case CREAT -> open(n, t, AT_FDCWD, n.arg(0), O_CREAT | O_WRONLY | O_TRUNC, n.intArg(1), 0);
            case TRUNCATE -> truncate(n, t, n.arg(0), n.arg(1));
            case UNLINK -> remove(n, t, AT_FDCWD, n.arg(0), 0);
            case RMDIR -> remove(n, t, AT_FDCWD, n.arg(0), AT_REMOVEDIR);
            case UNLINKAT -> remove(n, t, n.intArg(0), n.arg(1), n.intArg(2));
            case MKDIR -> make(n, t, AT_FDCWD, n.arg(0), n.intArg(1), 0, FileAccess.MKDIR);
            case MKDIRAT -> make(n, t, n.intArg(0), n.arg(1), n.intArg(2), 0, FileAccess.MKDIR);
            case MKNOD -> make(n, t, AT_FDCWD, n.arg(0), n.intArg(1), n.arg(2), FileAccess.MKNOD);
            case MKNODAT -> make(n, t, n.intArg(0), n.arg(1), n.intArg(2), n.arg(3), FileAccess.MKNOD);
            case RENAME -> twoPaths(n, t, AT_FDCWD, n.arg(0), AT_FDCWD, n.arg(1), 0, FileAccess.RENAME);
            case RENAMEAT -> twoPaths(n, t, n.intArg(0), n.arg(1), n.intArg(2), n.arg(3), 0, FileAccess.RENAME);
            case RENAMEAT2 -> twoPaths(n, t, n.intArg(0), n.arg(1), n.intArg(2), n.arg(3), n.intArg(4), FileAccess.RENAME);
            case LINK -> twoPaths(n, t, AT_FDCWD, n.arg(0), AT_FDCWD, n.arg(1), 0, FileAccess.LINK);
            case LINKAT -> twoPaths(n, t, n.intArg(0), n.arg(1), n.intArg(2), n.arg(3), n.intArg(4), FileAccess.LINK);
            case SYMLINK -> symlink(n, t, n.arg(0), AT_FDCWD, n.arg(1));
            case SYMLINKAT -> symlink(n, t, n.arg(0), n.intArg(1), n.arg(2));
            case CHMOD -> chmod(n, t, AT_FDCWD, n.arg(0), n.intArg(1), 0);
            case FCHMODAT -> chmod(n, t, n.intArg(0), n.arg(1), n.intArg(2), 0);
            case FCHMODAT2 -> chmod(n, t, n.intArg(0), n.arg(1), n.intArg(2), n.intArg(3));
            case CHOWN -> chown(n, t, AT_FDCWD, n.arg(0), n.intArg(1), n.intArg(2), 0);
            case LCHOWN -> chown(n, t, AT_FDCWD, n.arg(0), n.intArg(1), n.intArg(2), AT_SYMLINK_NOFOLLOW);
            case FCHOWNAT -> chown(n, t, n.intArg(0), n.arg(1), n.intArg(2), n.intArg(3), n.intArg(4));
            default -> listener.respondError(n.id(), Errno.ENOSYS);
        }
    }

    // ---- opens -------------------------------------------------------------------------------

    private void openat2(TrappedCall n, TraceeInfo t) {
        if (!listener.canInstallFd()) {
            // Its flags live in user memory the kernel reads again after the check: without fd
            // installation there is no race-free way to serve it. ENOSYS, as on kernels before
            // 5.6: callers fall back to openat, whose flags are registers.
            listener.respondError(n.id(), Errno.ENOSYS);
            return;
        }
        long size = n.arg(3);
        if (size < OPEN_HOW_SIZE) {
            listener.respondError(n.id(), Errno.EINVAL);
            return;
        }
        long how = n.arg(2);
        long flags = memory.readLong(t.tid(), how);
        long mode = memory.readLong(t.tid(), how + 8);
        long resolve = memory.readLong(t.tid(), how + 16);
        if (flags == Long.MIN_VALUE || mode == Long.MIN_VALUE || resolve == Long.MIN_VALUE) {
            unreadable(n, t);
            return;
        }
        open(n, t, n.intArg(0), n.arg(1), (int) flags, (int) mode, resolve);
    }

    private void open(TrappedCall n, TraceeInfo t, int dirfd, long pathAddr, int flags, int mode, long resolve) {
        String raw = memory.readString(t.tid(), pathAddr);
        if (raw == null) {
            unreadable(n, t);
            return;
        }
        boolean tmpfile = (flags & O_TMPFILE) == O_TMPFILE;
        boolean creat = (flags & O_CREAT) != 0 && !tmpfile;
        boolean excl = creat && (flags & O_EXCL) != 0;
        boolean write = (flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_APPEND)) != 0 || creat || tmpfile;
        boolean follow = (flags & O_NOFOLLOW) == 0 && !excl;
        ResolvedPath r = resolver.resolve(t, dirfd, raw, follow);
        if (!r.ok()) {
            respondResolveError(n, t, r, write ? FileAccess.WRITE : FileAccess.READ);
            return;
        }
        if ((resolve & RESOLVE_NO_SYMLINKS) != 0 || (resolve & RESOLVE_NO_MAGICLINKS) != 0 && r.procLink()) {
            // The caller asked for no symlinks anywhere; the strict open below fails if there were.
            if (r.procLink()) { listener.respondError(n.id(), Errno.ELOOP); return; }
        }
        FileAccess op;
        if (tmpfile) op = FileAccess.CREATE;
        else if (!write) op = (flags & O_PATH) != 0 ? FileAccess.OPEN : r.isDirectory() ? FileAccess.LIST : FileAccess.READ;
        else if (r.exists()) op = FileAccess.WRITE;
        else if (creat) op = FileAccess.CREATE;
        else {
            listener.respondError(n.id(), Errno.ENOENT);
            return;
        }
        if (excl && r.exists()) {
            listener.respondError(n.id(), Errno.EEXIST);
            return;
        }
        // Reopening one's own pipe/socket (/dev/stdout -> /proc/self/fd/1 -> pipe:[..]) is no new
        // access to a file: allowed like the reference's pseudo paths.
        KernelVerdict v = r.ownAnon() ? KernelVerdict.ALLOW : ctx.policy().checkFile(r.policyPath(), op);
        if (!listener.idValid(n.id())) return;
        if (!v.allowed()) {
            listener.respondError(n.id(), Errno.EACCES);
            ctx.events().file(ctx.sessionId(), t.tid(), SyscallNumbers.name(n.nr()), op, r.policyPath(), null, v);
            return;
        }
        if (!listener.canInstallFd()) {
            openInKernel(n, t, r, op, flags, mode, tmpfile, v);
            return;
        }
        boolean cloexec = (flags & O_CLOEXEC) != 0;
        int ourFlags = (flags & ~O_CLOEXEC) | O_CLOEXEC | O_NOCTTY;
        if (op == FileAccess.WRITE) ourFlags &= ~(O_CREAT | O_EXCL); // checked as a write to what exists
        // openat2 insists on mode 0 without O_CREAT/O_TMPFILE.
        int ourMode = (ourFlags & O_CREAT) != 0 || tmpfile ? (mode & 07777) & ~t.umask() : 0;
        if (r.real().equals("/dev/tty")) {
            // The tracee's controlling terminal, not the daemon's (it has none).
            String tty = ControllingTerminal.of(t.tid());
            if (tty == null) {
                listener.respondError(n.id(), Errno.ENXIO);
                return;
            }
            openAndInstall(n.id(), t, new ResolvedPath("/" + tty, "/" + tty, true, r.mode(), false, false, 0), ourFlags, ourMode,
                    cloexec, fs, listener);
        } else if (r.isFifo()) {
            // Opening a FIFO blocks until the other end shows up: never on the supervisor thread.
            // (It runs with the daemon's identity; FIFO permission bits are not re-checked.)
            long id = n.id();
            int flagsFinal = ourFlags;
            ctx.async(() -> openAndInstall(id, null, r, flagsFinal, ourMode, cloexec, new FsCalls(), null));
        } else {
            openAndInstall(n.id(), t, r, ourFlags, ourMode, cloexec, fs, listener);
        }
        if (ctx.logAllowed()) ctx.events().file(ctx.sessionId(), t.tid(), SyscallNumbers.name(n.nr()), op, r.policyPath(), null, v);
    }

    /**
     * ptrace: no way to hand the tracee a file we opened, so the kernel opens it. What an open
     * changes (creating the file, truncating it) is done here first, on exactly the checked
     * object, with the tracee's identity; the tracee's open then runs without O_CREAT/O_EXCL/
     * O_TRUNC (flags are registers, which no other thread can touch) and its result is checked
     * against the object that was decided on (docs/race-freedom.md, ptrace).
     */
    private void openInKernel(TrappedCall n, TraceeInfo t, ResolvedPath r, FileAccess op, int flags, int mode,
                              boolean tmpfile, KernelVerdict v) {
        String syscall = SyscallNumbers.name(n.nr());
        if (r.procLink() && (flags & O_TRUNC) != 0) {
            // /dev/stdout and friends: truncate what the tracee's own fd names (a no-op on pipes).
            long fd = creds.become(t) ? fs.openat(ctx.rootFd(), r.relative(), O_WRONLY | O_TRUNC | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0) : -1;
            creds.restore();
            if (fd >= 0) LinuxSyscalls.close((int) fd);
        } else if (!tmpfile && (op == FileAccess.CREATE || (flags & O_TRUNC) != 0 && (r.mode() & S_IFMT) == S_IFREG)) {
            int sideFlags = op == FileAccess.CREATE ? O_CREAT | O_EXCL | O_WRONLY : O_WRONLY | O_TRUNC | O_NONBLOCK;
            int sideMode = op == FileAccess.CREATE ? (mode & 07777) & ~t.umask() : 0;
            long fd;
            if (!creds.become(t)) fd = -Errno.EACCES;
            else fd = fs.openat2(ctx.rootFd(), r.relative(), sideFlags | O_CLOEXEC | O_NOCTTY, sideMode, STRICT);
            creds.restore();
            if (fd < 0) {
                listener.respondError(n.id(), (int) -fd);
                return;
            }
            LinuxSyscalls.close((int) fd);
        }
        int nr = n.nr() == CREAT ? OPEN : n.nr();
        int flagsArg = n.nr() == OPENAT ? 2 : 1;
        long kernelFlags = n.nr() == CREAT ? O_WRONLY : (tmpfile ? flags : flags & ~(O_CREAT | O_EXCL | O_TRUNC)) & 0xffffffffL;
        // The kernel opens /dev/tty as the caller's own terminal; the file keeps /dev/tty's inode.
        listener.respondContinueVerifyingOpen(n.id(), tmpfile ? null : r.real(), nr, flagsArg, kernelFlags);
        if (ctx.logAllowed()) ctx.events().file(ctx.sessionId(), t.tid(), syscall, op, r.policyPath(), null, v);
    }

    private void openAndInstall(long id, TraceeInfo t, ResolvedPath r, int flags, int mode, boolean cloexec,
                                FsCalls calls, CallResponder sameThreadListener) {
        long fd;
        boolean asIdentity = sameThreadListener != null;
        if (asIdentity && !creds.become(t)) {
            creds.restore();
            listener.respondError(id, Errno.EACCES);
            return;
        }
        try {
            fd = r.procLink()
                    ? calls.openat(ctx.rootFd(), r.relative(), flags, mode)
                    : calls.openat2(ctx.rootFd(), r.relative(), flags, mode, STRICT);
        } finally {
            if (asIdentity) creds.restore();
        }
        CallResponder l = sameThreadListener != null ? sameThreadListener : ctx.freshResponder();
        if (fd < 0) {
            l.respondError(id, (int) -fd);
            return;
        }
        l.addFdAndRespond(id, (int) fd, cloexec);
        LinuxSyscalls.close((int) fd);
    }

    private void truncate(TrappedCall n, TraceeInfo t, long pathAddr, long length) {
        String raw = memory.readString(t.tid(), pathAddr);
        if (raw == null) { unreadable(n, t); return; }
        ResolvedPath r = resolver.resolve(t, AT_FDCWD, raw, true);
        if (!r.ok()) { respondResolveError(n, t, r, FileAccess.WRITE); return; }
        if (!r.exists()) { listener.respondError(n.id(), Errno.ENOENT); return; }
        if (!decide(n, t, FileAccess.WRITE, r, null)) return;
        perform(n, t, () -> {
            long fd = fs.openat2(ctx.rootFd(), r.relative(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0, STRICT);
            if (fd < 0) return fd;
            long res = fs.ftruncate((int) fd, length);
            LinuxSyscalls.close((int) fd);
            return res;
        });
    }

    // ---- name operations (relative to a parent directory fd the supervisor opened) -------------

    private void remove(TrappedCall n, TraceeInfo t, int dirfd, long pathAddr, int flags) {
        String raw = memory.readString(t.tid(), pathAddr);
        if (raw == null) { unreadable(n, t); return; }
        ResolvedPath r = resolver.resolve(t, dirfd, raw, false);
        FileAccess op = (flags & AT_REMOVEDIR) != 0 ? FileAccess.RMDIR : FileAccess.DELETE;
        if (!r.ok()) { respondResolveError(n, t, r, op); return; }
        if (!r.exists()) { listener.respondError(n.id(), Errno.ENOENT); return; }
        if (r.real().equals("/")) { listener.respondError(n.id(), Errno.EBUSY); return; }
        KernelVerdict v = ctx.policy().checkFile(r.policyPath(), op);
        if (!listener.idValid(n.id())) return;
        if (!v.allowed() || ctx.logAllowed() || v.softDelete())
            ctx.events().file(ctx.sessionId(), t.tid(), SyscallNumbers.name(n.nr()), op, r.policyPath(), null, v);
        if (!v.allowed()) {
            listener.respondError(n.id(), Errno.EACCES);
            return;
        }
        SoftDeleter trash = ctx.options().softDeleter();
        if (!v.softDelete() || trash == null) {
            perform(n, t, () -> inParent(r, pfd -> fs.unlinkat(pfd, r.name(), flags & AT_REMOVEDIR)));
            return;
        }
        // soft_delete: the object goes to the session's trash instead (same effect for the caller:
        // the name is gone). rmdir semantics are kept (a directory, and only an empty one).
        if ((flags & AT_REMOVEDIR) != 0 && !r.isDirectory()) { listener.respondError(n.id(), Errno.ENOTDIR); return; }
        if ((flags & AT_REMOVEDIR) == 0 && r.isDirectory()) { listener.respondError(n.id(), Errno.EISDIR); return; }
        if ((flags & AT_REMOVEDIR) != 0 && !emptyDirectory(r.real())) { listener.respondError(n.id(), Errno.ENOTEMPTY); return; }
        long pfd = fs.openat2(ctx.rootFd(), ResolvedPath.relative(r.parent()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, STRICT);
        if (pfd < 0) { listener.respondError(n.id(), (int) -pfd); return; }
        // The tracee must be allowed to remove the name (write + search on the directory).
        long access;
        if (!creds.become(t)) access = -Errno.EACCES;
        else access = LinuxSyscalls.call(SYS_FACCESSAT2, pfd, EMPTY.address(), 3 /* W_OK|X_OK */, AT_EMPTY_PATH | AT_EACCESS);
        creds.restore();
        if (access < 0) {
            LinuxSyscalls.close((int) pfd);
            listener.respondError(n.id(), (int) -access);
            return;
        }
        long id = n.id();
        String original = r.policyPath();
        // /proc/self/fd/<pfd>/name pins the move to the directory that was checked, whatever
        // happens to the path meanwhile. Off the loop: a cross-filesystem divert copies.
        Path source = Path.of("/proc/self/fd/" + pfd + "/" + r.name());
        ctx.async(() -> {
            CallResponder l = ctx.freshResponder();
            try {
                trash.quarantine(source, original, ctx.sessionId(), v.rule(), null);
                l.respondValue(id, 0);
            } catch (java.nio.file.NoSuchFileException e) {
                l.respondError(id, Errno.ENOENT);
            } catch (java.io.IOException | RuntimeException e) {
                l.respondError(id, Errno.EIO);
                ctx.events().failure(ctx.sessionId(), 0, "unlinkat", "soft delete of " + original + " failed: " + e.getMessage());
            } finally {
                LinuxSyscalls.close((int) pfd);
            }
        });
    }

    private void make(TrappedCall n, TraceeInfo t, int dirfd, long pathAddr, int mode, long dev, FileAccess op) {
        String raw = memory.readString(t.tid(), pathAddr);
        if (raw == null) { unreadable(n, t); return; }
        ResolvedPath r = resolver.resolve(t, dirfd, raw, false);
        if (!r.ok()) { respondResolveError(n, t, r, op); return; }
        if (r.exists()) { listener.respondError(n.id(), Errno.EEXIST); return; }
        if (!decide(n, t, op, r, null)) return;
        int umask = t.umask();
        perform(n, t, () -> inParent(r, pfd -> op == FileAccess.MKDIR
                ? fs.mkdirat(pfd, r.name(), (mode & 07777) & ~umask)
                : fs.mknodat(pfd, r.name(), (mode & ~07777) | ((mode & 07777) & ~umask), dev)));
    }

    private void twoPaths(TrappedCall n, TraceeInfo t, int olddir, long oldAddr, int newdir, long newAddr,
                          int flags, FileAccess op) {
        String rawOld = memory.readString(t.tid(), oldAddr);
        String rawNew = memory.readString(t.tid(), newAddr);
        boolean emptyOld = op == FileAccess.LINK && (flags & AT_EMPTY_PATH) != 0 && "".equals(rawOld);
        if ((rawOld == null && !emptyOld) || rawNew == null) { unreadable(n, t); return; }
        ResolvedPath from = emptyOld ? resolver.resolveFd(t, olddir)
                : resolver.resolve(t, olddir, rawOld, op == FileAccess.LINK && (flags & AT_SYMLINK_FOLLOW) != 0);
        ResolvedPath to = resolver.resolve(t, newdir, rawNew, false);
        if (!from.ok()) { respondResolveError(n, t, from, op); return; }
        if (!to.ok()) { respondResolveError(n, t, to, op); return; }
        if (!from.exists()) { listener.respondError(n.id(), Errno.ENOENT); return; }
        if (from.procLink() || to.procLink() || from.real().equals("/") || to.real().equals("/")) {
            listener.respondError(n.id(), Errno.EXDEV);
            return;
        }
        KernelVerdict v = ctx.policy().checkFile(from.policyPath(), op);
        if (v.allowed()) v = ctx.policy().checkFile(to.policyPath(), op);
        if (!listener.idValid(n.id())) return;
        ctx.events().file(ctx.sessionId(), t.tid(), SyscallNumbers.name(n.nr()), op, from.policyPath(), to.policyPath(), v);
        if (!v.allowed()) { listener.respondError(n.id(), Errno.EACCES); return; }
        if (op == FileAccess.RENAME && to.exists() && (flags & (RENAME_NOREPLACE | RENAME_EXCHANGE)) == 0
                && renameReplaces(from, to)) {
            // The name being replaced is destroyed by the rename: decided as a delete of it, as
            // the FUSE view does; under soft_delete it goes to the trash first.
            KernelVerdict dv = ctx.policy().checkFile(to.policyPath(), FileAccess.DELETE);
            if (!dv.allowed() || dv.softDelete())
                ctx.events().file(ctx.sessionId(), t.tid(), SyscallNumbers.name(n.nr()), FileAccess.DELETE, to.policyPath(), null, dv);
            if (!dv.allowed()) { listener.respondError(n.id(), Errno.EACCES); return; }
            SoftDeleter trash = ctx.options().softDeleter();
            if (dv.softDelete() && trash != null) { renameOverTrashed(n, t, from, to, dv, trash); return; }
        }
        int renameFlags = op == FileAccess.RENAME ? flags : 0;
        perform(n, t, () -> inParent(from, ofd -> inParent(to, nfd -> op == FileAccess.RENAME
                ? fs.renameat2(ofd, from.name(), nfd, to.name(), renameFlags)
                : fs.linkat(ofd, from.name(), nfd, to.name(), 0))));
    }

    /**
     * Whether rename(2) would really replace {@code to}: a non-directory by a non-directory, or
     * an empty directory by a directory. Otherwise the rename fails by itself (EISDIR, ENOTDIR,
     * ENOTEMPTY) and nothing may go to the trash.
     */
    private static boolean renameReplaces(ResolvedPath from, ResolvedPath to) {
        if (from.real().equals(to.real())) return false;
        if (to.isDirectory()) return from.isDirectory() && emptyDirectory(to.real());
        return !from.isDirectory();
    }

    /**
     * soft_delete of a rename's victim: the tracee must be allowed to change both directories
     * (checked with its identity, as the rename would be); then, off the loop (a cross-filesystem
     * divert copies), the victim goes to the trash and the rename runs with RENAME_NOREPLACE, so
     * a name that appeared meanwhile fails the call (EEXIST) instead of being destroyed.
     */
    private void renameOverTrashed(TrappedCall n, TraceeInfo t, ResolvedPath from, ResolvedPath to,
                                   KernelVerdict v, SoftDeleter trash) {
        long ofd = fs.openat2(ctx.rootFd(), ResolvedPath.relative(from.parent()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, STRICT);
        if (ofd < 0) { listener.respondError(n.id(), (int) -ofd); return; }
        long nfd = fs.openat2(ctx.rootFd(), ResolvedPath.relative(to.parent()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, STRICT);
        if (nfd < 0) { LinuxSyscalls.close((int) ofd); listener.respondError(n.id(), (int) -nfd); return; }
        long access;
        if (!creds.become(t)) access = -Errno.EACCES;
        else {
            access = LinuxSyscalls.call(SYS_FACCESSAT2, ofd, EMPTY.address(), 3 /* W_OK|X_OK */, AT_EMPTY_PATH | AT_EACCESS);
            if (access >= 0) access = LinuxSyscalls.call(SYS_FACCESSAT2, nfd, EMPTY.address(), 3, AT_EMPTY_PATH | AT_EACCESS);
        }
        creds.restore();
        if (access < 0) {
            LinuxSyscalls.close((int) ofd);
            LinuxSyscalls.close((int) nfd);
            listener.respondError(n.id(), (int) -access);
            return;
        }
        long id = n.id();
        String original = to.policyPath();
        Path victim = Path.of("/proc/self/fd/" + nfd + "/" + to.name());
        ctx.async(() -> {
            CallResponder l = ctx.freshResponder();
            try {
                try {
                    trash.quarantine(victim, original, ctx.sessionId(), v.rule(), null);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed meanwhile: nothing left to keep, the rename goes on
                }
                long res = fs.renameat2((int) ofd, from.name(), (int) nfd, to.name(), RENAME_NOREPLACE);
                if (res < 0) l.respondError(id, (int) -res);
                else l.respondValue(id, 0);
            } catch (java.io.IOException | RuntimeException e) {
                l.respondError(id, Errno.EIO);
                ctx.events().failure(ctx.sessionId(), 0, "renameat", "soft delete of " + original + " failed: " + e.getMessage());
            } finally {
                LinuxSyscalls.close((int) ofd);
                LinuxSyscalls.close((int) nfd);
            }
        });
    }

    private void symlink(TrappedCall n, TraceeInfo t, long targetAddr, int dirfd, long linkAddr) {
        String target = memory.readString(t.tid(), targetAddr);
        String raw = memory.readString(t.tid(), linkAddr);
        if (target == null || raw == null) { unreadable(n, t); return; }
        ResolvedPath r = resolver.resolve(t, dirfd, raw, false);
        if (!r.ok()) { respondResolveError(n, t, r, FileAccess.SYMLINK); return; }
        if (r.exists()) { listener.respondError(n.id(), Errno.EEXIST); return; }
        // The link's content is not a path the kernel follows now; whoever follows it later is
        // checked on the resolved target.
        if (!decide(n, t, FileAccess.SYMLINK, r, null)) return;
        perform(n, t, () -> inParent(r, pfd -> fs.symlinkat(target, pfd, r.name())));
    }

    private void chmod(TrappedCall n, TraceeInfo t, int dirfd, long pathAddr, int mode, int flags) {
        String raw = memory.readString(t.tid(), pathAddr);
        if (raw == null) { unreadable(n, t); return; }
        boolean follow = (flags & AT_SYMLINK_NOFOLLOW) == 0;
        ResolvedPath r = resolver.resolve(t, dirfd, raw, follow);
        if (!r.ok()) { respondResolveError(n, t, r, FileAccess.CHMOD); return; }
        if (!r.exists()) { listener.respondError(n.id(), Errno.ENOENT); return; }
        if (r.isSymlink()) { listener.respondError(n.id(), Errno.EOPNOTSUPP); return; }
        if (!decide(n, t, FileAccess.CHMOD, r, null)) return;
        perform(n, t, () -> onObject(r, fd -> fs.fchmodat(AT_FDCWD, "/proc/self/fd/" + fd, mode & 07777)));
    }

    private void chown(TrappedCall n, TraceeInfo t, int dirfd, long pathAddr, int uid, int gid, int flags) {
        String raw = memory.readString(t.tid(), pathAddr);
        boolean empty = (flags & AT_EMPTY_PATH) != 0 && "".equals(raw);
        if (raw == null) { unreadable(n, t); return; }
        ResolvedPath r = empty ? resolver.resolveFd(t, dirfd)
                : resolver.resolve(t, dirfd, raw, (flags & AT_SYMLINK_NOFOLLOW) == 0);
        if (!r.ok()) { respondResolveError(n, t, r, FileAccess.CHOWN); return; }
        if (!r.exists()) { listener.respondError(n.id(), Errno.ENOENT); return; }
        if (!decide(n, t, FileAccess.CHOWN, r, null)) return;
        perform(n, t, () -> onObject(r, fd -> fs.fchownat(fd, "", uid, gid, AT_EMPTY_PATH)));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static boolean emptyDirectory(String path) {
        try (var d = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of(path))) {
            return !d.iterator().hasNext();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private interface FdAction { long apply(int fd); }
    private interface Action { long run(); }

    /** Opens the parent directory of {@code r} strictly and runs the action relative to it. */
    private long inParent(ResolvedPath r, FdAction a) {
        long pfd = fs.openat2(ctx.rootFd(), ResolvedPath.relative(r.parent()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, STRICT);
        if (pfd < 0) return pfd;
        try {
            return a.apply((int) pfd);
        } finally {
            LinuxSyscalls.close((int) pfd);
        }
    }

    /** Opens the object itself (O_PATH, never through a symlink) and runs the action on it. */
    private long onObject(ResolvedPath r, FdAction a) {
        long fd = fs.openat2(ctx.rootFd(), r.relative(), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, STRICT);
        if (fd < 0) return fd;
        try {
            return a.apply((int) fd);
        } finally {
            LinuxSyscalls.close((int) fd);
        }
    }

    /** Asks the policy; on deny answers EACCES and reports. Returns whether to go on. */
    private boolean decide(TrappedCall n, TraceeInfo t, FileAccess op, ResolvedPath r, String path2) {
        KernelVerdict v = ctx.policy().checkFile(r.policyPath(), op);
        if (!listener.idValid(n.id())) return false;
        if (!v.allowed() || ctx.logAllowed())
            ctx.events().file(ctx.sessionId(), t.tid(), SyscallNumbers.name(n.nr()), op, r.policyPath(), path2, v);
        if (!v.allowed()) {
            listener.respondError(n.id(), Errno.EACCES);
            return false;
        }
        return true;
    }

    /** Runs an emulated operation with the tracee's fs identity and answers with its result. */
    private void perform(TrappedCall n, TraceeInfo t, Action a) {
        long res;
        if (!creds.become(t)) {
            creds.restore();
            listener.respondError(n.id(), Errno.EACCES);
            return;
        }
        try {
            res = a.run();
        } finally {
            creds.restore();
        }
        if (res < 0) listener.respondError(n.id(), (int) -res);
        else listener.respondValue(n.id(), 0);
    }

    private void respondResolveError(TrappedCall n, TraceeInfo t, ResolvedPath r, FileAccess op) {
        listener.respondError(n.id(), r.errno());
    }

    private void unreadable(TrappedCall n, TraceeInfo t) {
        listener.respondError(n.id(), Errno.EACCES);
        ctx.events().failure(ctx.sessionId(), t.tid(), SyscallNumbers.name(n.nr()), "path argument unreadable: denied");
    }
}
