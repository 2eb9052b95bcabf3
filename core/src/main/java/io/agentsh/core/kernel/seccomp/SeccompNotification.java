package io.agentsh.core.kernel.seccomp;

import jnr.ffi.Pointer;

/**
 * One received {@code struct seccomp_notif} (80 bytes): u64 id, u32 pid, u32 flags, then
 * {@code struct seccomp_data} = s32 nr, u32 arch, u64 instruction_pointer, u64 args[6].
 * A mutable view over the listener's receive buffer: valid until the next receive, so the loop
 * allocates nothing per notification.
 */
public final class SeccompNotification implements io.agentsh.core.kernel.supervisor.TrappedCall {
    public static final int SIZE = 80;
    private final Pointer buf;

    SeccompNotification(Pointer buf) {
        this.buf = buf;
    }

    /** A copy that stays valid after the listener receives the next notification. */
    public SeccompNotification copy() {
        Pointer p = io.agentsh.core.kernel.sys.LinuxSyscalls.allocate(SIZE);
        byte[] b = new byte[SIZE];
        buf.get(0, b, 0, SIZE);
        p.put(0, b, 0, SIZE);
        return new SeccompNotification(p);
    }

    @Override public long id() { return buf.getLong(0); }
    /** The calling thread's id (a tid, in the supervisor's pid namespace). */
    @Override public int pid() { return buf.getInt(8); }
    @Override public int nr() { return buf.getInt(16); }
    public int arch() { return buf.getInt(20); }
    @Override public long arg(int i) { return buf.getLong(32 + 8L * i); }
    /** Low 32 bits of an argument: ints (fds, flags, modes) are passed sign-extended or garbage-topped. */
    @Override public int intArg(int i) { return buf.getInt(32 + 8L * i); }
}
