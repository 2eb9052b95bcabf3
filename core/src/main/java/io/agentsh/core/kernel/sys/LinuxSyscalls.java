package io.agentsh.core.kernel.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/**
 * Raw Linux syscalls through libc's {@code syscall(2)} (JNR). Every kernel facility the
 * supervisor uses (seccomp ioctls, process_vm_readv, openat2, pidfd, Landlock, SCM_RIGHTS) goes
 * through this one entry point with plain longs and direct memory, so there is no per-call
 * marshalling and no struct mapping layer to get wrong.
 *
 * <p>Results follow the kernel convention: {@code >= 0} on success, {@code -errno} on failure.
 */
public final class LinuxSyscalls {

    /** The libc entry point. {@code syscall} is variadic: one fixed argument. */
    public interface LibC {
        @SaveError
        @Variadic(fixedCount = 1)
        long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private LinuxSyscalls() {}

    public static Runtime runtime() {
        return RUNTIME;
    }

    /** Direct (off-heap) memory whose address can be handed to the kernel. */
    public static Pointer allocate(int size) {
        return Memory.allocateDirect(RUNTIME, size, true);
    }

    public static long call(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        long r = LIBC.syscall(nr, a1, a2, a3, a4, a5, a6);
        return r < 0 ? -RUNTIME.getLastError() : r;
    }

    public static long call(long nr, long a1, long a2, long a3) {
        return call(nr, a1, a2, a3, 0, 0, 0);
    }

    public static long call(long nr, long a1, long a2, long a3, long a4) {
        return call(nr, a1, a2, a3, a4, 0, 0);
    }

    public static long call(long nr, long a1, long a2, long a3, long a4, long a5) {
        return call(nr, a1, a2, a3, a4, a5, 0);
    }

    /** Copies a NUL-terminated string into direct memory (caller keeps the pointer alive). */
    public static Pointer cString(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Pointer p = allocate(b.length + 1);
        p.put(0, b, 0, b.length);
        p.putByte(b.length, (byte) 0);
        return p;
    }

    public static int close(int fd) {
        return (int) call(SyscallNumbers.CLOSE, fd, 0, 0);
    }
}
