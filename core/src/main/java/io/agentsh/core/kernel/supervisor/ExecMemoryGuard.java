package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.ProcFiles;
import io.agentsh.core.kernel.sys.ProcessMaps;
import java.util.List;

/**
 * Decides whether the memory holding an exec's filename and argv can change between the
 * supervisor's read and the kernel's second read after CONTINUE. One instance per thread. It cannot when the caller is
 * the only thread of its address space and the strings are in private mappings: the caller is
 * blocked in execve, so nobody else can write them. Cases that fail:
 * <ul>
 * <li>another thread in the calling process;</li>
 * <li>a vfork/CLONE_VM child sharing its parent's address space while the parent has other
 *     threads running (kcmp KCMP_VM tells whether the address space is shared);</li>
 * <li>a string inside a MAP_SHARED mapping (another process may have it mapped).</li>
 * </ul>
 */
final class ExecMemoryGuard {
    private static final int SYS_KCMP = 312, KCMP_VM = 1;
    private final ProcessMaps maps = new ProcessMaps();
    private final ProcFiles proc = new ProcFiles();

    /** Null when safe, else the reason. */
    String check(TraceeInfo t, List<Long> addresses) {
        int threads = t.threads();
        if (threads != 1) return "exec from a process with " + threads + " threads cannot be checked race-free";
        int ppid = t.ppid();
        if (ppid > 1 && LinuxSyscalls.call(SYS_KCMP, t.tgid(), ppid, KCMP_VM, 0, 0) == 0) {
            int parentThreads = threads(ppid);
            if (parentThreads != 1)
                return "exec from a vfork child of a process with " + parentThreads + " threads cannot be checked race-free";
        }
        Boolean shared = maps.anyShared(t.tid(), addresses);
        if (shared == null) return "memory map unreadable";
        if (shared) return "exec arguments live in shared memory";
        return null;
    }

    private int threads(int pid) {
        if (!proc.read(pid, "status")) return -1;
        return (int) proc.field("Threads", 0, 10, -1);
    }
}
