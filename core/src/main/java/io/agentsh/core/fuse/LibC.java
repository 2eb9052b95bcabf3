package io.agentsh.core.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls the view serves from: every path call is relative to the backing directory's
 * fd ({@code *at}), so the view can be mounted over the very path it serves, and reads and
 * writes go straight between the kernel's buffer and the backing fd (no Java copy).
 */
public interface LibC {
    int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
    int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000, O_NOFOLLOW = 0400000;
    int O_DIRECTORY = 0200000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    int MNT_DETACH = 2;
    long MS_NOSUID = 2, MS_NODEV = 4;
    int ENOENT = 2, EIO = 5, EBADF = 9, EACCES = 13, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21,
            EINVAL = 22, ERANGE = 34, EINTR = 4, EAGAIN = 11, ENODEV = 19, EPERM = 1, ENOSYS = 38, ENOTEMPTY = 39, ENODATA = 61, ENOTSUP = 95, ENOMEM = 12;

    LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

    static int errno() { return Runtime.getRuntime(INSTANCE).getLastError(); }

    int open(String path, int flags, int mode);
    int openat(int dirfd, String path, int flags, int mode);
    int close(int fd);
    int fstatat(int dirfd, String path, Pointer statbuf, int flags);
    int fstat(int fd, Pointer statbuf);
    @ssize_t long pread(int fd, Pointer buf, @size_t long count, long offset);
    @ssize_t long pwrite(int fd, Pointer buf, @size_t long count, long offset);
    int ftruncate(int fd, long length);
    int fsync(int fd);
    int fdatasync(int fd);
    int fallocate(int fd, int mode, long offset, long len);
    int fstatvfs(int fd, Pointer buf);
    int mkdirat(int dirfd, String path, int mode);
    int mknodat(int dirfd, String path, int mode, long dev);
    int unlinkat(int dirfd, String path, int flags);
    int renameat(int olddirfd, String oldpath, int newdirfd, String newpath);
    int symlinkat(String target, int newdirfd, String linkpath);
    int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);
    @ssize_t long readlinkat(int dirfd, String path, @Out Pointer buf, @size_t long size);
    int fchmodat(int dirfd, String path, int mode, int flags);
    int fchownat(int dirfd, String path, int uid, int gid, int flags);
    int fchown(int fd, int uid, int gid);
    int utimensat(int dirfd, String path, @In Pointer times, int flags);
    int faccessat(int dirfd, String path, int mode, int flags);
    int umount2(String target, int flags);
    Pointer malloc(@size_t long size);
    @ssize_t long lgetxattr(String path, String name, Pointer value, @size_t long size);
    @ssize_t long llistxattr(String path, Pointer list, @size_t long size);
    int lsetxattr(String path, String name, Pointer value, @size_t long size, int flags);
    int lremovexattr(String path, String name);
    int geteuid();

    // the FUSE device and the kernel calls the view's protocol server makes
    @ssize_t long read(int fd, Pointer buf, @size_t long count);
    @ssize_t long write(int fd, Pointer buf, @size_t long count);
    int ioctl(int fd, long request, Pointer arg);
    int mount(String source, String target, String fstype, long flags, String data);
    int statx(int dirfd, String path, int flags, int mask, @Out Pointer buf);
    int dup(int fd);
    Pointer fdopendir(int fd);
    Pointer readdir64(Pointer dir);
    void rewinddir(Pointer dir);
    int closedir(Pointer dir);
    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);
    int fchmod(int fd, int mode);
    int futimens(int fd, @In Pointer times);
}
