package io.agentsh.core.kernel.seccomp;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import jnr.ffi.Pointer;

/** Kernel-side facts about seccomp that can be asked without installing anything. */
public final class SeccompSupport {
    private static final int SECCOMP_GET_ACTION_AVAIL = 2;
    private static final int SECCOMP_GET_NOTIF_SIZES = 3;

    private SeccompSupport() {}

    /** {@code struct seccomp_notif_sizes}: the sizes this kernel uses; null when unsupported. */
    public record NotifSizes(int notif, int resp, int data) {}

    public static NotifSizes notifSizes() {
        Pointer p = LinuxSyscalls.allocate(8);
        long r = LinuxSyscalls.call(SyscallNumbers.SECCOMP, SECCOMP_GET_NOTIF_SIZES, 0, p.address());
        if (r != 0) return null;
        return new NotifSizes(p.getShort(0) & 0xffff, p.getShort(2) & 0xffff, p.getShort(4) & 0xffff);
    }

    /** Whether the kernel knows a filter return action (e.g. SECCOMP_RET_USER_NOTIF). */
    public static boolean actionAvailable(int action) {
        Pointer p = LinuxSyscalls.allocate(4);
        p.putInt(0, action);
        return LinuxSyscalls.call(SyscallNumbers.SECCOMP, SECCOMP_GET_ACTION_AVAIL, 0, p.address()) == 0;
    }
}
