package io.agentsh.core.kernel.masks;

import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import io.agentsh.core.ns.SessionMountNamespace;
import java.io.IOException;
import java.util.logging.Logger;
import jnr.ffi.Pointer;

/**
 * Whether anything that can uncover a read mask happened since {@link ReadMasks} last looked, in
 * two system calls that return at once (no change: the common case before a command).
 *
 * <ul>
 *   <li>inotify on the directories the masked paths are in (as the session's namespace resolves
 *       them): the host replacing or removing a masked object (rename over it, unlink: the kernel
 *       then detaches the mask in every namespace), a masked path that was not there appearing,
 *       a new entry in a watched directory ({@code /etc/sudoers*}), the directory itself moved or
 *       removed. inotify watches inodes, so the host's changes are seen whichever namespace
 *       makes them.</li>
 *   <li>the namespace's mount table ({@code /proc/<tid>/mounts} of a thread inside, opened once:
 *       poll reports POLLPRI|POLLERR after any mount or unmount there): a mask unmounted or
 *       detached by any means.</li>
 * </ul>
 * When a watch cannot be set (inotify limits), every look answers "changed": {@link ReadMasks}
 * then re-checks every mask before every command, as before.
 */
final class MaskChanges implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MaskChanges.class.getName());
    // x86_64 numbers (SyscallNumbers holds those the seccomp filter names).
    private static final int POLL = 7, INOTIFY_ADD_WATCH = 254, INOTIFY_INIT1 = 294;
    private static final int IN_NONBLOCK = 0x800, IN_CLOEXEC = 0x80000;
    private static final int IN_MOVED_FROM = 0x40, IN_MOVED_TO = 0x80, IN_CREATE = 0x100, IN_DELETE = 0x200;
    private static final int IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800, IN_ONLYDIR = 0x01000000;
    private static final int WATCH = IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
            | IN_ONLYDIR;
    private static final short POLLPRI = 0x2, POLLERR = 0x8;
    private static final int EAGAIN = 11, ENOENT = 2, ENOTDIR = 20;

    private final int inotify;
    private int mounts = -1;
    private final Pointer buf = LinuxSyscalls.allocate(4096);
    private final Pointer pollFd = LinuxSyscalls.allocate(8);
    /** Set when a look cannot be trusted (a watch failed, a refresh failed): the next look answers "changed". */
    private boolean dirty;
    /** No watches at all (inotify unavailable): every look answers "changed". */
    private boolean blind;
    private final FsCalls fs = new FsCalls();

    private MaskChanges(int inotify) {
        this.inotify = inotify;
        this.blind = inotify < 0;
    }

    static MaskChanges open() {
        int fd = (int) LinuxSyscalls.call(INOTIFY_INIT1, IN_NONBLOCK | IN_CLOEXEC, 0, 0);
        if (fd < 0) LOG.warning("inotify unavailable (errno " + (-fd) + "): read masks are re-checked before every command");
        return new MaskChanges(fd);
    }

    /**
     * Starts watching the namespace's mount table. Call after the masks are first applied (their
     * own mounts are not news).
     */
    void watchMounts(SessionMountNamespace ns) throws IOException {
        // The namespace's own /proc may be masked: the thread inside opens through the daemon's.
        var proc = LinuxSyscalls.cString("/proc");
        int procFd = (int) LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, proc.address(),
                FsCalls.O_PATH | FsCalls.O_DIRECTORY | FsCalls.O_CLOEXEC, 0);
        if (procFd < 0) throw new IOException("opening /proc: errno " + (-procFd));
        try {
            mounts = ns.inside(() -> {
                var p = LinuxSyscalls.cString("thread-self/mounts");
                long r = LinuxSyscalls.call(SyscallNumbers.OPENAT, procFd, p.address(), FsCalls.O_RDONLY | FsCalls.O_CLOEXEC, 0);
                if (r < 0) throw new IOException("opening the session namespace's mount table: errno " + (-r));
                return (int) r;
            });
        } finally {
            LinuxSyscalls.close(procFd);
        }
    }

    /**
     * Watches the directory {@code path} (absolute, as the namespace under {@code rootFd} sees it)
     * is in, or its nearest existing ancestor when that is not there yet. Idempotent per directory.
     */
    void watchParentOf(int rootFd, String path) {
        int slash = path.lastIndexOf('/');
        watchDir(rootFd, slash <= 0 ? "/" : path.substring(0, slash));
    }

    /** Watches {@code dir} itself (or its nearest existing ancestor). */
    void watchDir(int rootFd, String dir) {
        if (blind) return;
        int[] err = new int[1];
        String d = dir;
        while (!d.equals("/") && fs.statIdentity(rootFd, d.substring(1), 0, err) == null
                && (err[0] == ENOENT || err[0] == ENOTDIR)) {
            int slash = d.lastIndexOf('/');
            d = slash <= 0 ? "/" : d.substring(0, slash);
        }
        var p = LinuxSyscalls.cString("/proc/self/fd/" + rootFd + (d.equals("/") ? "" : d));
        long wd = LinuxSyscalls.call(INOTIFY_ADD_WATCH, inotify, p.address(), WATCH);
        if (wd >= 0) return;
        if (wd == -ENOENT || wd == -ENOTDIR) {
            dirty = true; // gone meanwhile: look again next time (the refresh re-watches)
            return;
        }
        LOG.warning("cannot watch " + d + " for read-mask changes (errno " + (-wd)
                + "): read masks are re-checked before every command");
        blind = true;
    }

    /** The next {@link #changed} answers true (a refresh failed half-way). */
    void markDirty() {
        dirty = true;
    }

    /**
     * Whether something may have changed since the last call; consumes what it saw. A refresh
     * that follows a true answer sees every change made before it; a change made during it is
     * the next call's news.
     */
    boolean changed() {
        boolean changed = dirty || blind;
        dirty = false;
        if (inotify >= 0) {
            while (true) {
                long r = LinuxSyscalls.call(SyscallNumbers.READ, inotify, buf.address(), 4096);
                if (r > 0) {
                    changed = true; // which event does not matter: the refresh looks at everything
                    continue;
                }
                if (r != -EAGAIN) changed = true;
                break;
            }
        }
        if (mounts >= 0) {
            pollFd.putInt(0, mounts);
            pollFd.putShort(4, POLLPRI);
            pollFd.putShort(6, (short) 0);
            long r = LinuxSyscalls.call(POLL, pollFd.address(), 1, 0);
            if (r < 0 || (r > 0 && (pollFd.getShort(6) & (POLLPRI | POLLERR)) != 0)) changed = true;
        } else {
            changed = true;
        }
        return changed;
    }

    @Override
    public void close() {
        if (inotify >= 0) LinuxSyscalls.close(inotify);
        if (mounts >= 0) LinuxSyscalls.close(mounts);
    }
}
