package io.agentsh.core.kernel.supervisor;

/**
 * The syscall a tracee is stopped in (a seccomp-stop, read with PTRACE_GET_SYSCALL_INFO), as a
 * {@link TrappedCall}. Its id is the tid: a stopped thread has exactly one pending syscall.
 * Mutable and reused on the tracer thread; {@link #copy} for a call handed to a worker.
 */
final class PtraceStop implements TrappedCall {
    private int tid;
    private int nr;
    private final long[] args = new long[6];

    void set(int tid, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        this.tid = tid;
        this.nr = nr;
        args[0] = a0; args[1] = a1; args[2] = a2; args[3] = a3; args[4] = a4; args[5] = a5;
    }

    PtraceStop copy() {
        PtraceStop c = new PtraceStop();
        c.set(tid, nr, args[0], args[1], args[2], args[3], args[4], args[5]);
        return c;
    }

    @Override public long id() { return tid; }
    @Override public int pid() { return tid; }
    @Override public int nr() { return nr; }
    @Override public long arg(int i) { return args[i]; }
}
