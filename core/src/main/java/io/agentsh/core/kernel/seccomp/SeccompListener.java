package io.agentsh.core.kernel.seccomp;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import jnr.ffi.Pointer;

/**
 * A seccomp user-notification listener fd and its ioctls (seccomp_unotify(2)). Owned by exactly
 * one supervisor thread: the buffers below are reused for every notification.
 */
public final class SeccompListener implements AutoCloseable, io.agentsh.core.kernel.supervisor.CallResponder {
    /** _IOWR('!', 0, struct seccomp_notif) */
    static final long IOCTL_NOTIF_RECV = 0xC0502100L;
    /** _IOWR('!', 1, struct seccomp_notif_resp) */
    static final long IOCTL_NOTIF_SEND = 0xC0182101L;
    /** _IOW('!', 2, __u64) */
    static final long IOCTL_NOTIF_ID_VALID = 0x40082102L;
    /** _IOW('!', 3, struct seccomp_notif_addfd) */
    static final long IOCTL_NOTIF_ADDFD = 0x40182103L;
    /** _IOW('!', 4, __u64): the flags travel in the argument itself, not behind a pointer. */
    static final long IOCTL_NOTIF_SET_FLAGS = 0x40082104L;
    static final long USER_NOTIF_FD_SYNC_WAKE_UP = 1;
    static final int USER_NOTIF_FLAG_CONTINUE = 1;
    static final int ADDFD_FLAG_SEND = 2;
    private static final int POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10;
    private static final int SYS_POLL = 7;

    /** What a wait for the next notification ended with. */
    public enum Wait { READY, TIMEOUT, GONE }

    private final int fd;
    private final Pointer notifBuf = LinuxSyscalls.allocate(SeccompNotification.SIZE);
    private final Pointer respBuf = LinuxSyscalls.allocate(24);
    private final Pointer addfdBuf = LinuxSyscalls.allocate(24);
    private final Pointer idBuf = LinuxSyscalls.allocate(8);
    private final Pointer pollBuf = LinuxSyscalls.allocate(8);
    private final SeccompNotification notification = new SeccompNotification(notifBuf);
    private volatile boolean closed;
    private final boolean owner;

    public SeccompListener(int fd) {
        this(fd, true);
    }

    private SeccompListener(int fd, boolean owner) {
        this.fd = fd;
        this.owner = owner;
    }

    /**
     * A second handle on the same listener with its own buffers, for answering a notification
     * from another thread (responses may arrive in any order). It does not own the fd.
     */
    public SeccompListener sibling() {
        return new SeccompListener(fd, false);
    }

    public int fd() {
        return fd;
    }

    /**
     * Asks the kernel (6.6+) to wake the supervisor on the tracee's CPU and the tracee on the
     * supervisor's, as a synchronous hand-off: the tracee is blocked anyway while we decide. On
     * this 2-vCPU VM a round trip drops from about 57 us (two cross-CPU wake-ups) to about 7 us.
     * Returns false on kernels without the flag, where the listener simply works as before.
     */
    public boolean requestSyncWakeups() {
        return LinuxSyscalls.call(SyscallNumbers.IOCTL, fd, IOCTL_NOTIF_SET_FLAGS, USER_NOTIF_FD_SYNC_WAKE_UP) == 0;
    }

    /**
     * Waits up to {@code timeoutMillis} for a notification. GONE means every task using the
     * filter has exited (POLLHUP): the session tree is finished.
     */
    public Wait await(int timeoutMillis) {
        pollBuf.putInt(0, fd);
        pollBuf.putShort(4, (short) POLLIN);
        pollBuf.putShort(6, (short) 0);
        long r = LinuxSyscalls.call(SYS_POLL, pollBuf.address(), 1, timeoutMillis);
        if (r == -Errno.EINTR || r == 0) return Wait.TIMEOUT;
        if (r < 0) return Wait.GONE;
        int revents = pollBuf.getShort(6) & 0xffff;
        if ((revents & POLLIN) != 0) return Wait.READY;
        if ((revents & (POLLHUP | POLLERR)) != 0) return Wait.GONE;
        return Wait.TIMEOUT;
    }

    /**
     * Receives one notification into the shared view. Returns null when the target went away
     * before it could be read (ENOENT) or the call was interrupted; throws on a dead listener.
     */
    public SeccompNotification receive() {
        notifBuf.setMemory(0, SeccompNotification.SIZE, (byte) 0); // the kernel requires a zeroed buffer
        long r = LinuxSyscalls.call(SyscallNumbers.IOCTL, fd, IOCTL_NOTIF_RECV, notifBuf.address());
        if (r == 0) return notification;
        if (r == -Errno.ENOENT || r == -Errno.EINTR || r == -Errno.EAGAIN) return null;
        throw new IllegalStateException("SECCOMP_IOCTL_NOTIF_RECV failed: errno " + (-r));
    }

    /** Lets the syscall run as the tracee asked (only where that is race-free; see docs/race-freedom.md). */
    @Override
    public boolean respondContinue(long id) {
        return send(id, 0, 0, USER_NOTIF_FLAG_CONTINUE);
    }

    /** Fails the syscall with {@code errno}. */
    @Override
    public boolean respondError(long id, int errno) {
        return send(id, 0, -Math.abs(errno == 0 ? Errno.EPERM : errno), 0);
    }

    /** Completes an emulated syscall with its return value. */
    @Override
    public boolean respondValue(long id, long value) {
        return send(id, value, 0, 0);
    }

    private boolean send(long id, long val, int error, int flags) {
        respBuf.putLong(0, id);
        respBuf.putLong(8, val);
        respBuf.putInt(16, error);
        respBuf.putInt(20, flags);
        return LinuxSyscalls.call(SyscallNumbers.IOCTL, fd, IOCTL_NOTIF_SEND, respBuf.address()) == 0;
    }

    /**
     * Installs {@code srcFd} (a file the supervisor opened) into the tracee and, atomically,
     * answers the syscall with the new fd number (SECCOMP_ADDFD_FLAG_SEND). Returns the tracee's
     * fd number or -errno.
     */
    @Override
    public long addFdAndRespond(long id, int srcFd, boolean cloexec) {
        addfdBuf.putLong(0, id);
        addfdBuf.putInt(8, ADDFD_FLAG_SEND);
        addfdBuf.putInt(12, srcFd);
        addfdBuf.putInt(16, 0);
        addfdBuf.putInt(20, cloexec ? 0x80000 /* O_CLOEXEC */ : 0);
        return LinuxSyscalls.call(SyscallNumbers.IOCTL, fd, IOCTL_NOTIF_ADDFD, addfdBuf.address());
    }

    /** True while the notification is still pending (the tracee did not die or get interrupted). */
    @Override
    public boolean idValid(long id) {
        idBuf.putLong(0, id);
        return LinuxSyscalls.call(SyscallNumbers.IOCTL, fd, IOCTL_NOTIF_ID_VALID, idBuf.address()) == 0;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owner) LinuxSyscalls.close(fd);
        }
    }
}
