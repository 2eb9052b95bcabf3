package io.agentsh.core.ns;

import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.io.IOException;
import jnr.ffi.Pointer;

/**
 * mount(2), umount2(2), unshare(2), setns(2) and open(2) as the namespace code needs them, through
 * {@link LinuxSyscalls}. Every failure is an {@link IOException} naming the call, its paths and the errno.
 */
final class MountCalls {
    static final long MS_RDONLY = 0x1, MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8, MS_REMOUNT = 0x20;
    static final long MS_BIND = 0x1000, MS_REC = 0x4000, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19;
    static final int MNT_DETACH = 0x2;
    static final int CLONE_FS = 0x200, CLONE_NEWNS = 0x20000, CLONE_NEWNET = 0x40000000;
    static final int EINVAL = 22, ENOENT = 2;

    private MountCalls() {}

    static void mount(String source, String target, String fstype, long flags) throws IOException {
        mount(source, target, fstype, flags, null);
    }

    static void mount(String source, String target, String fstype, long flags, String data) throws IOException {
        Pointer src = source == null ? null : LinuxSyscalls.cString(source);
        Pointer dst = LinuxSyscalls.cString(target);
        Pointer type = fstype == null ? null : LinuxSyscalls.cString(fstype);
        Pointer opts = data == null ? null : LinuxSyscalls.cString(data);
        long r = LinuxSyscalls.call(SyscallNumbers.MOUNT, src == null ? 0 : src.address(), dst.address(),
                type == null ? 0 : type.address(), flags, opts == null ? 0 : opts.address());
        if (r < 0) throw new IOException("mount(" + source + ", " + target + ", flags 0x" + Long.toHexString(flags)
                + "): errno " + (-r));
    }

    /** Returns 0, or -errno (callers decide which errors matter: EINVAL = not a mount point). */
    static long umount(String target, int flags) {
        Pointer dst = LinuxSyscalls.cString(target);
        return LinuxSyscalls.call(SyscallNumbers.UMOUNT2, dst.address(), flags, 0);
    }

    static void unshare(int flags) throws IOException {
        long r = LinuxSyscalls.call(SyscallNumbers.UNSHARE, flags, 0, 0);
        if (r < 0) throw new IOException("unshare(0x" + Integer.toHexString(flags) + "): errno " + (-r));
    }

    static void setns(int fd, int nstype) throws IOException {
        long r = LinuxSyscalls.call(SyscallNumbers.SETNS, fd, nstype, 0);
        if (r < 0) throw new IOException("setns(" + fd + ", 0x" + Integer.toHexString(nstype) + "): errno " + (-r));
    }

    /** open(path, O_RDONLY|O_CLOEXEC); the fd, or an IOException. */
    static int openReadOnly(String path) throws IOException {
        Pointer p = LinuxSyscalls.cString(path);
        long r = LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, p.address(), FsCalls.O_RDONLY | FsCalls.O_CLOEXEC, 0);
        if (r < 0) throw new IOException("open " + path + ": errno " + (-r));
        return (int) r;
    }

    /** open(path, O_PATH|O_CLOEXEC|O_DIRECTORY). */
    static int openPath(String path) throws IOException {
        Pointer p = LinuxSyscalls.cString(path);
        long r = LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, p.address(),
                FsCalls.O_PATH | FsCalls.O_CLOEXEC | FsCalls.O_DIRECTORY, 0);
        if (r < 0) throw new IOException("open " + path + ": errno " + (-r));
        return (int) r;
    }

    static long gettid() {
        return LinuxSyscalls.call(186 /* gettid */, 0, 0, 0);
    }
}
