package io.agentsh.core.fuse;

import java.io.IOException;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * One FUSE connection: the open {@code /dev/fuse} and the mount(2) that ties it to a directory.
 * Mounting directly (we run as root) needs neither libfuse nor fusermount. Reads deliver one
 * request each; writes take one whole reply each, so any thread may answer any request.
 */
final class FuseDevice implements AutoCloseable {
    private static final LibC C = LibC.INSTANCE;
    static final Runtime RUNTIME = Runtime.getRuntime(C);

    private final int fd;
    private volatile boolean closed;

    private FuseDevice(int fd) {
        this.fd = fd;
    }

    /** Opens /dev/fuse and mounts it at {@code mountPoint} as {@code fsName} of type {@code fuse.<subtype>}. */
    static FuseDevice mount(Path mountPoint, String fsName, String subtype) throws IOException {
        int fd = C.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (fd < 0) throw new IOException("cannot open /dev/fuse: errno " + LibC.errno());
        // allow_other: the session's processes are any uid; default_permissions: the kernel checks
        // modes against the attributes we report, so the daemon (root) never decides access itself.
        String data = "fd=" + fd + ",rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions,max_read="
                + FuseAbi.MAX_IO;
        if (C.mount(fsName, mountPoint.toString(), "fuse." + subtype, LibC.MS_NOSUID | LibC.MS_NODEV, data) != 0) {
            int e = LibC.errno();
            C.close(fd);
            throw new IOException("mount of the FUSE view at " + mountPoint + " failed: errno " + e);
        }
        return new FuseDevice(fd);
    }

    /**
     * Off-heap memory, not cleared: every reply writes each byte it sends, and pages never touched
     * (most of a 1 MiB buffer, with passthrough) stay out of the daemon's RSS: ~380 KiB per
     * mounted view in all (50 views, VmRSS).
     */
    static Pointer buffer(int size) {
        return Memory.allocateDirect(RUNTIME, size, false);
    }

    /**
     * Reads the next request into {@code buf}; returns its length, or -1 once the connection is
     * gone (unmounted: ENODEV). Interrupted and vanished requests (EINTR, EAGAIN, ENOENT) are retried.
     */
    int receive(Pointer buf, int size) throws IOException {
        while (true) {
            long n = C.read(fd, buf, size);
            if (n > 0) return (int) n;
            int e = n < 0 ? LibC.errno() : LibC.ENODEV;
            if (e == LibC.EINTR || e == LibC.EAGAIN || e == LibC.ENOENT) continue;
            if (e == LibC.ENODEV || closed) return -1;
            throw new IOException("read from /dev/fuse: errno " + e);
        }
    }

    /** Sends one reply. A request the kernel has given up on (interrupted: ENOENT) is not an error. */
    void send(Pointer buf, int len) {
        long n = C.write(fd, buf, len);
        if (n < 0) {
            int e = LibC.errno();
            if (e != LibC.ENOENT && e != LibC.ENODEV && !closed) {
                System.err.println("agentsh: FUSE reply rejected by the kernel: errno " + e);
            }
        }
    }

    /** Registers {@code backingFd} for passthrough; returns its backing id, or -errno. */
    int openBacking(int backingFd, Pointer scratch) {
        scratch.putInt(0, backingFd);
        scratch.putInt(4, 0);
        scratch.putLong(8, 0);
        int id = C.ioctl(fd, FuseAbi.IOC_BACKING_OPEN, scratch);
        return id < 0 ? -LibC.errno() : id;
    }

    void closeBacking(int backingId, Pointer scratch) {
        scratch.putInt(0, backingId);
        C.ioctl(fd, FuseAbi.IOC_BACKING_CLOSE, scratch);
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        C.close(fd);
    }
}
