package io.agentsh.core.pty;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls a pseudo-terminal needs: the master side (posix_openpt and friends), window size,
 * and posix_spawn with file actions, so the CHILD opens the slave: the daemon never opens a
 * terminal it could acquire as its own controlling terminal.
 */
public interface PtyLibC {
    int O_RDWR = 2, O_NOCTTY = 0400, O_NONBLOCK = 04000, O_CLOEXEC = 02000000;
    int EINTR = 4, EAGAIN = 11, EIO = 5;
    long TIOCSWINSZ = 0x5414, TIOCGWINSZ = 0x5413;
    short POLLIN = 0x1, POLLOUT = 0x4, POLLHUP = 0x10, POLLERR = 0x8;
    short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    int WNOHANG = 1;
    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on x86-64/arm64; room to spare. */
    int SPAWN_STRUCT_BYTES = 1024;
    /** sigset_t is 128 bytes in glibc. */
    int SIGSET_BYTES = 128;

    PtyLibC INSTANCE = LibraryLoader.create(PtyLibC.class).load("c");

    static int errno() {
        return Runtime.getRuntime(INSTANCE).getLastError();
    }

    int posix_openpt(int flags);
    int grantpt(int fd);
    int unlockpt(int fd);
    int ptsname_r(int fd, @Out byte[] buf, @size_t long len);
    int ioctl(int fd, long request, @In Pointer arg);
    int poll(Pointer fds, long nfds, int timeoutMs);
    @ssize_t long read(int fd, @Out byte[] buf, @size_t long count);
    @ssize_t long write(int fd, @In byte[] buf, @size_t long count);
    int close(int fd);
    int waitpid(int pid, @Out IntByReference status, int options);
    String strerror(int errnum);

    int posix_spawn_file_actions_init(Pointer fa);
    int posix_spawn_file_actions_destroy(Pointer fa);
    int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int oflag, int mode);
    int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);
    int posix_spawn_file_actions_addchdir_np(Pointer fa, String path);
    int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);
    int posix_spawnattr_init(Pointer attr);
    int posix_spawnattr_destroy(Pointer attr);
    int posix_spawnattr_setflags(Pointer attr, short flags);
    int posix_spawnattr_setsigmask(Pointer attr, @In Pointer sigset);
    int posix_spawnattr_setsigdefault(Pointer attr, @In Pointer sigset);
    int posix_spawn(@Out IntByReference pid, String path, Pointer fileActions, Pointer attr, @In String[] argv,
                    @In String[] envp);
}
