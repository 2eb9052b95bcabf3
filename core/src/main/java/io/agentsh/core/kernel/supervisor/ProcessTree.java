package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.ProcFiles;


/**
 * The session's process tree, seen from /proc: the root is the wrapper's pid (which becomes
 * the command). A process belongs to the tree when its parent chain reaches the root, or when
 * it is in the root's session (orphans re-parented to init keep their session unless they call
 * setsid themselves).
 */
final class ProcessTree {
    private static final int MAX_HOPS = 4096;
    private final int rootPid;
    private final int rootSid;

    ProcessTree(int rootPid) {
        this.rootPid = rootPid;
        int[] s = stat(rootPid);
        this.rootSid = s == null ? -1 : s[1];
    }

    int rootPid() {
        return rootPid;
    }

    /** Exec depth: 0 for the command itself (the wrapper's exec), +1 per generation below it. */
    int execDepth(TraceeInfo t) {
        if (t.tgid() == rootPid) return 0;
        // The first hop from the status the handler has read already: most execs are children
        // of the command itself.
        int pid = t.ppid();
        if (pid <= 0) return 0;
        int depth = 1;
        for (int i = 0; i < MAX_HOPS && pid > 1; i++) {
            if (pid == rootPid) return depth;
            int[] s = stat(pid);
            if (s == null) break;
            pid = s[0];
            depth++;
        }
        return depth;
    }

    boolean contains(int pid) {
        if (pid <= 0) return false;
        int p = pid;
        for (int i = 0; i < MAX_HOPS && p > 1; i++) {
            if (p == rootPid) return true;
            int[] s = stat(p);
            if (s == null) return false;
            if (i == 0 && rootSid > 0 && s[1] == rootSid) return true;
            p = s[0];
        }
        return false;
    }

    /** The parent of {@code pid} as our /proc sees it, or -1. */
    static int parentOf(int pid) {
        int[] s = stat(pid);
        return s == null ? -1 : s[0];
    }

    /** {ppid, sid} from /proc/PID/stat, or null. The comm field may contain spaces: parse after ')'. */
    private static int[] stat(int pid) {
        ProcFiles proc = PROC.get();
        if (!proc.read(pid, "stat")) return null;
        long ppid = proc.statField(1), sid = proc.statField(3);
        return ppid < 0 || sid < 0 ? null : new int[] {(int) ppid, (int) sid};
    }

    /** Each thread (supervisor loops, slow path, arming) reads with its own buffers. */
    private static final ThreadLocal<ProcFiles> PROC = ThreadLocal.withInitial(ProcFiles::new);
}
