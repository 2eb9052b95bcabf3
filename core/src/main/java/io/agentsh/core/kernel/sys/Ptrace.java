package io.agentsh.core.kernel.sys;

import jnr.ffi.Pointer;

/**
 * ptrace(2) and wait4(2) for the ptrace supervisor, x86_64. Every request must come from the
 * tracing thread (ptrace binds a tracee to the thread that attached it), so one instance lives
 * on one tracer thread and reuses its buffers.
 */
public final class Ptrace {
    public static final int PTRACE_PEEKUSER = 3, PTRACE_POKEUSER = 6, PTRACE_CONT = 7, PTRACE_KILL = 8;
    public static final int PTRACE_DETACH = 17, PTRACE_SYSCALL = 24;
    public static final int PTRACE_SETOPTIONS = 0x4200, PTRACE_GETEVENTMSG = 0x4201, PTRACE_SEIZE = 0x4206;
    public static final int PTRACE_INTERRUPT = 0x4207, PTRACE_LISTEN = 0x4208, PTRACE_GET_SYSCALL_INFO = 0x420e;

    public static final long O_TRACESYSGOOD = 0x1, O_TRACEFORK = 0x2, O_TRACEVFORK = 0x4, O_TRACECLONE = 0x8;
    public static final long O_TRACEEXEC = 0x10, O_TRACEEXIT = 0x40, O_TRACESECCOMP = 0x80, O_EXITKILL = 0x100000;

    public static final int EVENT_FORK = 1, EVENT_VFORK = 2, EVENT_CLONE = 3, EVENT_EXEC = 4, EVENT_VFORK_DONE = 5;
    public static final int EVENT_EXIT = 6, EVENT_SECCOMP = 7, EVENT_STOP = 128;

    /** struct ptrace_syscall_info.op */
    public static final int INFO_NONE = 0, INFO_ENTRY = 1, INFO_EXIT = 2, INFO_SECCOMP = 3;
    private static final int INFO_SIZE = 88;

    /** Offsets of rax and orig_rax in struct user_regs_struct (= struct user) on x86_64. */
    private static final long USER_RAX = 10 * 8, USER_ORIG_RAX = 15 * 8;

    public static final int WNOHANG = 1, WALL = 0x40000000, WNOTHREAD = 0x20000000;
    private static final int SYS_WAIT4 = 61;

    private final Pointer info = LinuxSyscalls.allocate(INFO_SIZE);
    private final Pointer status = LinuxSyscalls.allocate(8);
    private final Pointer msg = LinuxSyscalls.allocate(8);

    private static long ptrace(long request, long pid, long addr, long data) {
        return LinuxSyscalls.call(SyscallNumbers.PTRACE, request, pid, addr, data);
    }

    /** PTRACE_SEIZE with options: attaches without stopping the task. 0 or -errno. */
    public long seize(int pid, long options) {
        return ptrace(PTRACE_SEIZE, pid, 0, options);
    }

    /** PTRACE_SETOPTIONS on a stopped tracee (per task; children inherit them). 0 or -errno. */
    public long setOptions(int pid, long options) {
        return ptrace(PTRACE_SETOPTIONS, pid, 0, options);
    }

    /** Resumes a stopped tracee, delivering {@code signal} (0: none). */
    public long cont(int pid, int signal) {
        return ptrace(PTRACE_CONT, pid, 0, signal);
    }

    /** Resumes to the next syscall stop (here: the exit of the current syscall). */
    public long syscall(int pid, int signal) {
        return ptrace(PTRACE_SYSCALL, pid, 0, signal);
    }

    /** Keeps a group-stopped tracee stopped but lets the tracer hear of SIGCONT. */
    public long listen(int pid) {
        return ptrace(PTRACE_LISTEN, pid, 0, 0);
    }

    public long kill(int pid) {
        return LinuxSyscalls.call(SyscallNumbers.TGKILL, pid, pid, 9);
    }

    /** PTRACE_GETEVENTMSG (a new child's pid, an exec's former tid), or -1. */
    public long eventMessage(int pid) {
        return ptrace(PTRACE_GETEVENTMSG, pid, 0, msg.address()) < 0 ? -1 : msg.getLong(0);
    }

    /**
     * PTRACE_GET_SYSCALL_INFO into this instance's buffer; returns its op (INFO_*) or -errno.
     * The accessors below read that buffer.
     */
    public int syscallInfo(int pid) {
        long r = ptrace(PTRACE_GET_SYSCALL_INFO, pid, INFO_SIZE, info.address());
        return r < 0 ? (int) r : info.getByte(0) & 0xff;
    }

    public int infoArch() { return info.getInt(4); }
    /** entry/seccomp: the syscall number. */
    public long infoNr() { return info.getLong(24); }
    /** entry/seccomp: argument i. */
    public long infoArg(int i) { return info.getLong(32 + 8L * i); }
    /** exit: the return value. */
    public long infoRval() { return info.getLong(24); }
    public boolean infoIsError() { return info.getByte(32) != 0; }

    /**
     * Skips the syscall the tracee is stopped in (seccomp-stop) so that it returns {@code value}:
     * orig_rax = -1 (the kernel then runs nothing) and rax = the value. 0 or -errno.
     */
    public long skipWith(int pid, long value) {
        long r = ptrace(PTRACE_POKEUSER, pid, USER_ORIG_RAX, -1L);
        if (r < 0) return r;
        return ptrace(PTRACE_POKEUSER, pid, USER_RAX, value);
    }

    /** Register offsets (struct user_regs_struct) of syscall arguments 0..5: rdi, rsi, rdx, r10, r8, r9. */
    private static final long[] USER_ARG = {14 * 8, 13 * 8, 12 * 8, 7 * 8, 9 * 8, 8 * 8};

    /** Rewrites syscall argument {@code i} of the stopped tracee (-1: nothing to do). 0 or -errno. */
    public long setArg(int pid, int i, long value) {
        if (i < 0) return 0;
        return ptrace(PTRACE_POKEUSER, pid, USER_ARG[i], value);
    }

    /** Changes the syscall about to run (at a seccomp-stop the kernel re-checks the filter for it). */
    public long setSyscallNr(int pid, long nr) {
        return ptrace(PTRACE_POKEUSER, pid, USER_ORIG_RAX, nr);
    }

    /** Sets the return value at a syscall-exit stop. */
    public long setReturn(int pid, long value) {
        return ptrace(PTRACE_POKEUSER, pid, USER_RAX, value);
    }

    /**
     * wait4(-1, .., __WALL | __WNOTHREAD | extra): the next event of one of this thread's tracees
     * (never a child of another JVM thread). Returns the pid (status via {@link #lastStatus}),
     * 0 with WNOHANG when nothing is ready, or -errno (ECHILD: no tracee left).
     */
    public long waitAny(int extraFlags) {
        return LinuxSyscalls.call(SYS_WAIT4, -1, status.address(), WALL | WNOTHREAD | extraFlags, 0);
    }

    public int lastStatus() {
        return status.getInt(0);
    }

    public static boolean stopped(int st) { return (st & 0xff) == 0x7f; }
    public static int stopSignal(int st) { return (st >> 8) & 0xff; }
    public static int event(int st) { return (st >>> 16) & 0xffff; }
    public static boolean exited(int st) { return (st & 0x7f) == 0; }
    public static boolean signaled(int st) { return !stopped(st) && !exited(st) && (st & 0x7f) != 0x7f; }
}
