package io.agentsh.core.kernel.sys;

import jnr.ffi.Pointer;

/**
 * Puts the calling thread where it only runs when no ordinary thread wants the CPU. For the
 * daemon's housekeeping (making and removing cgroups ahead of time): a nice value only lowers a
 * thread's share, and a thread that slept long is still placed ahead of a just-woken command's
 * parent; SCHED_IDLE is preempted by any normal thread at once.
 */
public final class BackgroundScheduling {
    private static final int SCHED_SETSCHEDULER = 144; // x86_64
    private static final int SCHED_GETSCHEDULER = 145; // x86_64
    private static final int SETPRIORITY = 141;        // x86_64
    private static final int SCHED_IDLE = 5;

    private BackgroundScheduling() {}

    /**
     * SCHED_IDLE for the calling thread (Linux scheduling policies are per thread), else nice 10.
     * Best effort: returns what was applied ("idle", "nice" or "none"), never throws.
     */
    public static String applyToCurrentThread() {
        try {
            Pointer param = LinuxSyscalls.allocate(4);   // struct sched_param { int sched_priority = 0; }
            param.putInt(0, 0);
            if (LinuxSyscalls.call(SCHED_SETSCHEDULER, 0, SCHED_IDLE, param.address()) == 0) return "idle";
            if (LinuxSyscalls.call(SETPRIORITY, 0 /* PRIO_PROCESS */, 0, 10) == 0) return "nice";
        } catch (LinkageError | RuntimeException e) {
            // no native calls here: the thread runs at normal priority (it must still run its tasks)
        }
        return "none";
    }

    /** The calling thread's policy as the kernel reports it (sched_getscheduler), for tests. */
    public static long currentPolicy() {
        return LinuxSyscalls.call(SCHED_GETSCHEDULER, 0, 0, 0);
    }

    /** The policy number {@link #applyToCurrentThread} asks for. */
    public static int idlePolicy() {
        return SCHED_IDLE;
    }
}
