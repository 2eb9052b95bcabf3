package io.agentsh.core.kernel.sys;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * The file-system syscalls the supervisor performs on behalf of a tracee, relative to directory
 * fds it opened itself. One instance per supervisor thread (scratch buffers are reused).
 * Every method returns the kernel result: {@code >= 0} or {@code -errno}.
 */
public final class FsCalls {
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3, O_CREAT = 0x40, O_EXCL = 0x80;
    public static final int O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800;
    public static final int O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
    public static final int O_PATH = 0x200000, O_TMPFILE = 0x400000 | O_DIRECTORY;
    public static final long RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;
    public static final int S_IFMT = 0170000, S_IFLNK = 0120000, S_IFDIR = 0040000, S_IFIFO = 0010000;
    public static final int S_IFREG = 0100000;

    /**
     * Opens each file write-only (O_CLOEXEC), all or none: on a failure the ones already open are
     * closed. The caller owns the descriptors.
     *
     * @throws java.io.IOException naming the file that cannot be opened and the errno
     */
    public static int[] openAllForWriting(java.util.List<java.nio.file.Path> files) throws java.io.IOException {
        int[] fds = new int[files.size()];
        int n = 0;
        try {
            for (java.nio.file.Path p : files) {
                var s = LinuxSyscalls.cString(p.toString());
                long r = LinuxSyscalls.call(SyscallNumbers.OPENAT, AT_FDCWD, s.address(), O_WRONLY | O_CLOEXEC, 0);
                if (r < 0) throw new java.io.IOException("open " + p + ": errno " + (-r));
                fds[n++] = (int) r;
            }
        } catch (java.io.IOException | RuntimeException e) {
            for (int i = 0; i < n; i++) LinuxSyscalls.close(fds[i]);
            throw e;
        }
        return fds;
    }

    private static final int SLOT = ProcessMemory.PATH_MAX + 1;
    private final Pointer paths = LinuxSyscalls.allocate(SLOT * 2);
    private final Pointer how = LinuxSyscalls.allocate(24);
    private final Pointer stat = LinuxSyscalls.allocate(144);
    private final Pointer linkBuf = LinuxSyscalls.allocate(SLOT);
    private final byte[] linkBytes = new byte[SLOT];

    private long path(int slot, String p) {
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        if (b.length >= SLOT) throw new IllegalArgumentException("path too long");
        long base = (long) slot * SLOT;
        paths.put(base, b, 0, b.length);
        paths.putByte(base + b.length, (byte) 0);
        return paths.address() + base;
    }

    public long openat2(int dirfd, String p, int flags, int mode, long resolve) {
        how.putLong(0, flags & 0xffffffffL);
        how.putLong(8, mode & 0xffffffffL);
        how.putLong(16, resolve);
        return LinuxSyscalls.call(SyscallNumbers.OPENAT2, dirfd, path(0, p), how.address(), 24);
    }

    public long openat(int dirfd, String p, int flags, int mode) {
        return LinuxSyscalls.call(SyscallNumbers.OPENAT, dirfd, path(0, p), flags, mode);
    }

    /** lstat/stat relative to dirfd; returns st_mode or -errno. */
    public long statMode(int dirfd, String p, int flags) {
        long r = LinuxSyscalls.call(SyscallNumbers.NEWFSTATAT, dirfd, path(0, p), stat.address(), flags);
        return r < 0 ? r : (stat.getInt(24) & 0xffffffffL);
    }

    /**
     * {dev, ino, mode, mtime sec, mtime nsec} of {@code p} relative to {@code dirfd} (flags as for fstatat), or null with
     * {@code errno[0]} set when it fails.
     */
    public long[] statIdentity(int dirfd, String p, int flags, int[] errno) {
        long r = LinuxSyscalls.call(SyscallNumbers.NEWFSTATAT, dirfd, path(0, p), stat.address(), flags);
        if (r < 0) {
            errno[0] = (int) -r;
            return null;
        }
        // st_dev, st_ino, st_mode, st_mtime (sec, nsec) of the x86_64 struct stat
        return new long[] {stat.getLong(0), stat.getLong(8), stat.getInt(24) & 0xffffffffL, stat.getLong(88), stat.getLong(96)};
    }

    /**
     * stat relative to dirfd into {@code devIno} (st_dev, st_ino): which object a name (or a
     * /proc/PID/fd/N link) denotes. Returns 0 or -errno.
     */
    public long statDevIno(int dirfd, String p, int flags, long[] devIno) {
        long r = LinuxSyscalls.call(SyscallNumbers.NEWFSTATAT, dirfd, path(0, p), stat.address(), flags);
        if (r < 0) return r;
        devIno[0] = stat.getLong(0);
        devIno[1] = stat.getLong(8);
        return 0;
    }

    /** The symlink's target, or null (errno lost: callers treat it as not-a-link). */
    public String readlinkat(int dirfd, String p) {
        long r = LinuxSyscalls.call(SyscallNumbers.READLINKAT, dirfd, path(0, p), linkBuf.address(), SLOT - 1);
        if (r < 0) return null;
        linkBuf.get(0, linkBytes, 0, (int) r);
        return new String(linkBytes, 0, (int) r, StandardCharsets.UTF_8);
    }

    public long mkdirat(int dirfd, String name, int mode) {
        return LinuxSyscalls.call(SyscallNumbers.MKDIRAT, dirfd, path(0, name), mode);
    }

    public long unlinkat(int dirfd, String name, int flags) {
        return LinuxSyscalls.call(SyscallNumbers.UNLINKAT, dirfd, path(0, name), flags);
    }

    public long renameat2(int olddir, String oldName, int newdir, String newName, int flags) {
        return LinuxSyscalls.call(SyscallNumbers.RENAMEAT2, olddir, path(0, oldName), newdir, path(1, newName), flags);
    }

    public long linkat(int olddir, String oldName, int newdir, String newName, int flags) {
        return LinuxSyscalls.call(SyscallNumbers.LINKAT, olddir, path(0, oldName), newdir, path(1, newName), flags);
    }

    public long symlinkat(String target, int newdir, String name) {
        return LinuxSyscalls.call(SyscallNumbers.SYMLINKAT, path(0, target), newdir, path(1, name));
    }

    public long mknodat(int dirfd, String name, int mode, long dev) {
        return LinuxSyscalls.call(SyscallNumbers.MKNODAT, dirfd, path(0, name), mode, dev);
    }

    public long fchmodat(int dirfd, String p, int mode) {
        return LinuxSyscalls.call(SyscallNumbers.FCHMODAT, dirfd, path(0, p), mode);
    }

    public long fchownat(int dirfd, String p, int uid, int gid, int flags) {
        return LinuxSyscalls.call(SyscallNumbers.FCHOWNAT, dirfd, path(0, p), uid, gid, flags);
    }

    public long ftruncate(int fd, long length) {
        return LinuxSyscalls.call(SyscallNumbers.FTRUNCATE, fd, length, 0);
    }
}
