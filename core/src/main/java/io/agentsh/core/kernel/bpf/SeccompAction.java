package io.agentsh.core.kernel.bpf;

/** seccomp filter return values (seccomp(2)). */
public final class SeccompAction {
    public static final int KILL_PROCESS = 0x80000000;
    public static final int ERRNO = 0x00050000;
    public static final int USER_NOTIF = 0x7fc00000;
    public static final int ALLOW = 0x7fff0000;
    /** Stop for a ptrace tracer (PTRACE_EVENT_SECCOMP); with no tracer the syscall fails with ENOSYS. */
    public static final int TRACE = 0x7ff00000;
    public static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    /** The x32 ABI marks its syscall numbers with this bit; x32 is refused outright. */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    private SeccompAction() {}

    public static int errno(int errno) {
        return ERRNO | (errno & 0xffff);
    }
}
