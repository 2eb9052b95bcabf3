package io.agentsh.core.kernel.sys;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * Whether addresses of another process lie in shared mappings. On Linux 6.11+ one
 * PROCMAP_QUERY ioctl per address asks the kernel for the covering mapping directly; before
 * that the whole /proc/PID/maps text is read and parsed, which costs the kernel's formatting
 * of every mapping (over 100 us for a shell on the exec path). One instance per thread.
 */
public final class ProcessMaps {
    /** _IOWR('f', 17, struct procmap_query) */
    static final long PROCMAP_QUERY = 0xC0686611L;
    static final int QUERY_SIZE = 104;
    static final long VMA_SHARED = 0x08;
    private static final int OFF_ADDR = 16, OFF_START = 24, OFF_END = 32, OFF_FLAGS = 40;
    private static volatile boolean queryUnsupported;

    private final Pointer query = LinuxSyscalls.allocate(QUERY_SIZE);
    private final Pointer path = LinuxSyscalls.allocate(64);
    // The text fallback's buffers are made when it is first needed (kernels without
    // PROCMAP_QUERY): one ProcessMaps is made per governed command tree.
    private Pointer chunk;
    private byte[] text;

    /**
     * True if any address is inside a MAP_SHARED mapping of {@code pid}, false if none is
     * (unmapped addresses count as not shared: the kernel's own read of them fails), null if
     * the maps cannot be read.
     */
    public Boolean anyShared(int pid, List<Long> addresses) {
        byte[] p = ("/proc/" + pid + "/maps").getBytes(StandardCharsets.US_ASCII);
        path.put(0, p, 0, p.length);
        path.putByte(p.length, (byte) 0);
        long fd = LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, path.address(), FsCalls.O_RDONLY | FsCalls.O_CLOEXEC, 0);
        if (fd < 0) return null;
        try {
            if (!queryUnsupported) {
                Boolean r = byQuery((int) fd, addresses);
                if (r != null || !queryUnsupported) return r;
            }
            return byText((int) fd, addresses);
        } finally {
            LinuxSyscalls.close((int) fd);
        }
    }

    private Boolean byQuery(int fd, List<Long> addresses) {
        long lo = 0, hi = 0;
        boolean shared = false;
        for (long a : addresses) {
            if (Long.compareUnsigned(a, lo) >= 0 && Long.compareUnsigned(a, hi) < 0) {
                if (shared) return true;
                continue; // argv strings usually share one mapping: one query serves them all
            }
            query.setMemory(0, QUERY_SIZE, (byte) 0);
            query.putLong(0, QUERY_SIZE);
            query.putLong(OFF_ADDR, a);
            long r = LinuxSyscalls.call(SyscallNumbers.IOCTL, fd, PROCMAP_QUERY, query.address());
            if (r == -Errno.ENOENT) { lo = hi = 0; continue; }
            // ENOTTY: a kernel before 6.11; EINVAL: one that does not know this struct layout.
            if (r == -Errno.ENOTTY || r == -Errno.EINVAL) {
                queryUnsupported = true;
                return null;
            }
            if (r < 0) return null;
            lo = query.getLong(OFF_START);
            hi = query.getLong(OFF_END);
            shared = (query.getLong(OFF_FLAGS) & VMA_SHARED) != 0;
            if (shared) return true;
        }
        return false;
    }

    private Boolean byText(int fd, List<Long> addresses) {
        if (chunk == null) {
            chunk = LinuxSyscalls.allocate(65536);
            text = new byte[65536];
        }
        int len = 0;
        while (true) {
            long n = LinuxSyscalls.call(SyscallNumbers.READ, fd, chunk.address(), 65536);
            if (n < 0) return null;
            if (n == 0) break;
            if (len + n > text.length) text = java.util.Arrays.copyOf(text, Math.max(text.length * 2, len + (int) n));
            chunk.get(0, text, len, (int) n);
            len += (int) n;
        }
        for (long a : addresses) if (sharedInText(text, len, a)) return true;
        return false;
    }

    /** Lines are "start-end perms ...", hex addresses, perms like "rw-s" (s = shared). */
    static boolean sharedInText(byte[] b, int len, long addr) {
        int i = 0;
        while (i < len) {
            int lineEnd = i;
            while (lineEnd < len && b[lineEnd] != '\n') lineEnd++;
            int dash = i, sp;
            while (dash < lineEnd && b[dash] != '-') dash++;
            sp = dash;
            while (sp < lineEnd && b[sp] != ' ') sp++;
            if (dash < lineEnd && sp < lineEnd) {
                long lo = hex(b, i, dash), hi = hex(b, dash + 1, sp);
                if (Long.compareUnsigned(addr, lo) >= 0 && Long.compareUnsigned(addr, hi) < 0)
                    return sp + 4 < lineEnd && b[sp + 4] == 's';
            }
            i = lineEnd + 1;
        }
        return false;
    }

    private static long hex(byte[] b, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) v = v << 4 | Character.digit(b[i], 16);
        return v;
    }

    static boolean queryUnsupportedForTest() {
        return queryUnsupported;
    }

    /** For tests: forces the text path, as on kernels before 6.11. */
    static void forceText(boolean on) {
        queryUnsupported = on;
    }
}
