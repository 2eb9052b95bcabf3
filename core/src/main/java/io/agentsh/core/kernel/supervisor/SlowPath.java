package io.agentsh.core.kernel.supervisor;

/**
 * Decisions that wait for a human (approvals) must not stall the supervisor loop, which serves
 * every process of the tree. On the loop thread a policy that would block throws
 * {@link #PENDING}; the loop then hands a copy of the notification to a worker thread, where
 * blocking is allowed, and goes on serving the others (seccomp answers may come in any order).
 */
public final class SlowPath {
    /** Thrown (preallocated, no stack) by a policy asked to block on the loop thread. */
    public static final RuntimeException PENDING = new RuntimeException("decision needs a blocking wait", null, false, false) {};
    private static final ThreadLocal<Boolean> BLOCKING_ALLOWED = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private SlowPath() {}

    /** True on supervisor worker threads (and on any thread that is not a supervisor loop). */
    public static boolean blockingAllowed() {
        return BLOCKING_ALLOWED.get() || !Thread.currentThread().getName().startsWith(Supervisor.LOOP_THREAD_PREFIX);
    }

    static void allowBlockingOnThisThread() {
        BLOCKING_ALLOWED.set(Boolean.TRUE);
    }
}
