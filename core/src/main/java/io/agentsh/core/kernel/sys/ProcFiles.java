package io.agentsh.core.kernel.sys;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * Reads small /proc files (status, stat) with raw syscalls into a reused direct buffer: on the
 * supervisor's hot path this costs the kernel's formatting and nothing else (no streams, no
 * per-line strings). One instance per thread.
 */
public final class ProcFiles {
    private static final int CAP = 8192;
    private final Pointer buf = LinuxSyscalls.allocate(CAP);
    private final Pointer path = LinuxSyscalls.allocate(64);
    private final byte[] bytes = new byte[CAP];
    private int len;

    /** Reads /proc/{pid}/{name}; false when it cannot be read. */
    public boolean read(int pid, String name) {
        byte[] p = ("/proc/" + pid + "/" + name).getBytes(StandardCharsets.US_ASCII);
        path.put(0, p, 0, p.length);
        path.putByte(p.length, (byte) 0);
        long fd = LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, path.address(), FsCalls.O_RDONLY | FsCalls.O_CLOEXEC, 0);
        if (fd < 0) return false;
        try {
            len = 0;
            while (len < CAP) {
                long n = LinuxSyscalls.call(SyscallNumbers.READ, fd, buf.address() + len, CAP - len);
                if (n < 0) return false;
                if (n == 0) break;
                len += (int) n;
            }
            buf.get(0, bytes, 0, len);
            return true;
        } finally {
            LinuxSyscalls.close((int) fd);
        }
    }

    /** readlink /proc/{pid}/{name}; null unless it names an existing absolute path. */
    public String readlink(int pid, String name) {
        byte[] p = ("/proc/" + pid + "/" + name).getBytes(StandardCharsets.US_ASCII);
        path.put(0, p, 0, p.length);
        path.putByte(p.length, (byte) 0);
        long n = LinuxSyscalls.call(SyscallNumbers.READLINKAT, FsCalls.AT_FDCWD, path.address(), buf.address(), CAP);
        if (n <= 0 || n >= CAP) return null;
        buf.get(0, bytes, 0, (int) n);
        len = 0;
        String s = new String(bytes, 0, (int) n, StandardCharsets.UTF_8);
        return s.startsWith("/") && !s.endsWith(" (deleted)") ? s : null;
    }

    /**
     * The {@code index}-th (0-based) whitespace-separated number after "{key}:" at a line start,
     * or {@code dflt}. {@code radix} 8 for Umask.
     */
    public long field(String key, int index, int radix, long dflt) {
        int at = lineStart(key);
        if (at < 0) return dflt;
        int i = at + key.length() + 1;
        for (int f = 0; ; f++) {
            while (i < len && (bytes[i] == ' ' || bytes[i] == '\t')) i++;
            if (i >= len || bytes[i] == '\n') return dflt;
            int start = i;
            while (i < len && bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\n') i++;
            if (f == index) return parse(start, i, radix, dflt);
        }
    }

    /** All numbers after "{key}:" on its line (e.g. Groups). */
    public int[] fields(String key) {
        int at = lineStart(key);
        if (at < 0) return new int[0];
        int i = at + key.length() + 1;
        int[] out = new int[8];
        int n = 0;
        while (true) {
            while (i < len && (bytes[i] == ' ' || bytes[i] == '\t')) i++;
            if (i >= len || bytes[i] == '\n') break;
            int start = i;
            while (i < len && bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\n') i++;
            if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
            out[n++] = (int) parse(start, i, 10, -1);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** For /proc/PID/stat: the {@code index}-th field after the ")" that ends comm (0 = state). */
    public long statField(int index) {
        int i = len - 1;
        while (i >= 0 && bytes[i] != ')') i--;
        if (i < 0) return -1;
        i += 2;
        for (int f = 0; i < len; f++) {
            int start = i;
            while (i < len && bytes[i] != ' ' && bytes[i] != '\n') i++;
            if (f == index) return parse(start, i, 10, -1);
            i++;
        }
        return -1;
    }

    private int lineStart(String key) {
        int k = key.length();
        outer:
        for (int i = 0; i + k < len; ) {
            if (bytes[i + k] == ':') {
                for (int j = 0; j < k; j++) if (bytes[i + j] != key.charAt(j)) { i = next(i); continue outer; }
                return i;
            }
            i = next(i);
        }
        return -1;
    }

    private int next(int i) {
        while (i < len && bytes[i] != '\n') i++;
        return i + 1;
    }

    private long parse(int from, int to, int radix, long dflt) {
        if (from >= to) return dflt;
        long v = 0;
        boolean neg = bytes[from] == '-';
        for (int i = neg ? from + 1 : from; i < to; i++) {
            int c = bytes[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
            if (d < 0 || d >= radix) return dflt;
            v = v * radix + d;
        }
        return neg ? -v : v;
    }
}
