package io.agentsh.core.kernel.sys;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * Asks the kernel which mapping of a process covers an address with the PROCMAP_QUERY ioctl on
 * /proc/PID/maps (Linux 6.11): one ioctl per address instead of formatting and parsing the
 * whole map. One instance per thread (it reuses its buffers).
 */
public final class ProcMapQuery {
    /** _IOWR('f', 17, struct procmap_query), sizeof(struct procmap_query) = 104. */
    private static final long PROCMAP_QUERY = 0xC0686611L;
    private static final int SIZE = 104, OFF_QUERY_ADDR = 16, OFF_VMA_FLAGS = 40;
    private static final long VMA_SHARED = 0x08;
    /** The answers of {@link #shared}. */
    public static final int NOT_SHARED = 0, SHARED = 1, UNSUPPORTED = -1, FAILED = -2;

    private final Pointer query = LinuxSyscalls.allocate(SIZE);
    private final Pointer path = LinuxSyscalls.allocate(64);
    private static volatile boolean unsupported;

    /**
     * Whether any of {@code addresses} lies in a MAP_SHARED mapping of task {@code tid} (an address
     * no mapping covers counts as not shared, as in /proc/PID/maps). {@link #UNSUPPORTED} when the
     * kernel has no PROCMAP_QUERY (the caller reads the map instead), {@link #FAILED} when the map
     * cannot be opened or queried.
     */
    public int shared(int tid, long[] addresses, int count) {
        if (unsupported) return UNSUPPORTED;
        byte[] p = ("/proc/" + tid + "/maps").getBytes(StandardCharsets.US_ASCII);
        path.put(0, p, 0, p.length);
        path.putByte(p.length, (byte) 0);
        long fd = LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, path.address(), FsCalls.O_RDONLY | FsCalls.O_CLOEXEC, 0);
        if (fd < 0) return FAILED;
        try {
            for (int i = 0; i < count; i++) {
                for (int off = 0; off < SIZE; off += 8) query.putLong(off, 0);
                query.putLong(0, SIZE);
                query.putLong(OFF_QUERY_ADDR, addresses[i]);
                long r = LinuxSyscalls.call(SyscallNumbers.IOCTL, fd, PROCMAP_QUERY, query.address());
                if (r == -Errno.ENOENT) continue; // no mapping covers it
                if (r == -Errno.ENOTTY) {
                    unsupported = true; // a kernel before 6.11: it will not have it later either
                    return UNSUPPORTED;
                }
                if (r == -Errno.EINVAL) return UNSUPPORTED; // a struct layout it does not take: read the map
                if (r < 0) return FAILED;
                if ((query.getLong(OFF_VMA_FLAGS) & VMA_SHARED) != 0) return SHARED;
            }
            return NOT_SHARED;
        } finally {
            LinuxSyscalls.close((int) fd);
        }
    }
}
