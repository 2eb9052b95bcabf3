package io.agentsh.core.kernel.sys;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * Reads another process's memory: process_vm_readv(2), falling back to /proc/PID/mem (which
 * uses fs credentials and can succeed where the former does not). One instance per supervisor
 * thread: the scratch buffers are reused.
 */
public final class ProcessMemory {
    public static final int PATH_MAX = 4096;
    private static final int PAGE = 4096, FIRST_READ = 256;
    private final Pointer local = LinuxSyscalls.allocate(PATH_MAX + 16);
    private final Pointer iovs = LinuxSyscalls.allocate(32);
    private final byte[] scratch = new byte[PATH_MAX + 16];

    /** Reads up to {@code len} bytes; returns the count read (may be short at an unmapped page) or -errno. */
    public int read(int pid, long address, int len) {
        if (len > PATH_MAX + 16) throw new IllegalArgumentException("read too large: " + len);
        iovs.putLong(0, local.address());
        iovs.putLong(8, len);
        iovs.putLong(16, address);
        iovs.putLong(24, len);
        long r = LinuxSyscalls.call(SyscallNumbers.PROCESS_VM_READV, pid, iovs.address(), 1, iovs.address() + 16, 1, 0);
        if (r > 0) {
            local.get(0, scratch, 0, (int) r);
            return (int) r;
        }
        return readProcMem(pid, address, len, r);
    }

    private int readProcMem(int pid, long address, int len, long firstError) {
        try (RandomAccessFile f = new RandomAccessFile("/proc/" + pid + "/mem", "r")) {
            f.seek(address);
            int n = f.read(scratch, 0, len);
            return n <= 0 ? (int) (firstError < 0 ? firstError : -Errno.EFAULT) : n;
        } catch (IOException | IllegalArgumentException e) {
            return (int) (firstError < 0 ? firstError : -Errno.EFAULT);
        }
    }

    /**
     * Reads a NUL-terminated string of at most PATH_MAX bytes, page by page so a string that
     * ends just before an unmapped page is still read. The first read asks for 256 bytes (most
     * paths and arguments are shorter): copying a whole page per string was most of the cost.
     * Returns null when unreadable or unterminated.
     */
    public String readString(int pid, long address) {
        if (address == 0) return null;
        byte[] acc = null;
        int have = 0;
        long at = address;
        int want = FIRST_READ;
        while (have < PATH_MAX) {
            int chunk = (int) Math.min(Math.min(PAGE - (at % PAGE), PATH_MAX - have), want);
            int n = read(pid, at, chunk);
            if (n <= 0) return null;
            for (int i = 0; i < n; i++) {
                if (scratch[i] == 0) {
                    if (acc == null) return new String(scratch, 0, i, StandardCharsets.UTF_8);
                    System.arraycopy(scratch, 0, acc, have, i);
                    return new String(acc, 0, have + i, StandardCharsets.UTF_8);
                }
            }
            if (acc == null) acc = new byte[PATH_MAX];
            System.arraycopy(scratch, 0, acc, have, n);
            have += n;
            at += n;
            want = PAGE;
        }
        return null;
    }

    /** Reads a u64 (pointer) at an address; Long.MIN_VALUE when unreadable. */
    public long readLong(int pid, long address) {
        int n = read(pid, address, 8);
        if (n < 8) return Long.MIN_VALUE;
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (scratch[i] & 0xffL);
        return v;
    }

    /** Copies {@code len} bytes read by the last {@link #read} into {@code out}. */
    public void copyLast(byte[] out, int len) {
        System.arraycopy(scratch, 0, out, 0, len);
    }
}
