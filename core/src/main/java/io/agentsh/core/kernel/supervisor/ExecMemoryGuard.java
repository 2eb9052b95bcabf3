package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.ProcMapQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Decides whether the memory holding an exec's filename and argv can change between the
 * supervisor's read and the kernel's second read after CONTINUE. It cannot when the caller is
 * the only thread of its address space and the strings are in private mappings: the caller is
 * blocked in execve, so nobody else can write them. (Where each string lives is asked with
 * PROCMAP_QUERY, one ioctl per address, on kernels that have it; else /proc/PID/maps is read.)
 * Cases that fail:
 * <ul>
 * <li>another thread in the calling process;</li>
 * <li>a vfork/CLONE_VM child sharing its parent's address space while the parent has other
 *     threads running (kcmp KCMP_VM tells whether the address space is shared);</li>
 * <li>a string inside a MAP_SHARED mapping (another process may have it mapped).</li>
 * </ul>
 */
final class ExecMemoryGuard {
    private static final int SYS_KCMP = 312, KCMP_VM = 1;
    /** Asks for the mapping of each address (one ioctl each) instead of reading the whole map: per exec. */
    private final ProcMapQuery mapQuery = new ProcMapQuery();

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
        long[] at = new long[addresses.size()];
        for (int i = 0; i < at.length; i++) at[i] = addresses.get(i);
        switch (mapQuery.shared(t.tid(), at, at.length)) {
            case ProcMapQuery.NOT_SHARED: return null;
            case ProcMapQuery.SHARED: return "exec arguments live in shared memory";
            case ProcMapQuery.FAILED: return "memory map unreadable";
            default: break; // no PROCMAP_QUERY in this kernel: read the map
        }
        List<String> maps;
        try {
            maps = Files.readAllLines(Path.of("/proc/" + t.tid() + "/maps"));
        } catch (IOException e) {
            return "memory map unreadable";
        }
        for (long a : addresses) {
            if (inSharedMapping(maps, a)) return "exec arguments live in shared memory";
        }
        return null;
    }

    private static boolean inSharedMapping(List<String> maps, long addr) {
        for (String line : maps) {
            int dash = line.indexOf('-');
            int sp = line.indexOf(' ');
            if (dash < 0 || sp < dash) continue;
            long lo = Long.parseUnsignedLong(line.substring(0, dash), 16);
            long hi = Long.parseUnsignedLong(line.substring(dash + 1, sp), 16);
            if (Long.compareUnsigned(addr, lo) >= 0 && Long.compareUnsigned(addr, hi) < 0) {
                return line.length() > sp + 4 && line.charAt(sp + 4) == 's';
            }
        }
        return false;
    }

    private static int threads(int pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("Threads:")) return Integer.parseInt(l.substring(8).trim());
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
