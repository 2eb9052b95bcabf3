package io.agentsh.core.exec;

import io.agentsh.core.server.PeerProcesses;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Processes known to run under a session: exec API commands (session leaders, removed when they
 * end) and shells the shim exec'd in place (checked against their start time, so a recycled pid
 * is never mistaken for one). A process is inside a governed session when its Linux session id,
 * or any ancestor, is one of them.
 */
public final class GovernedProcesses {
    private record Entry(String sessionId, long startTime) {}

    private final Map<Long, Entry> roots = new ConcurrentHashMap<>();

    public void add(long pid, String sessionId) {
        roots.put(pid, new Entry(sessionId, PeerProcesses.startTime(pid)));
    }

    /** A shell exec'd in place by the shim: remembered until its pid is gone or reused. */
    public void addShell(long pid, String sessionId) {
        if (pid > 1) add(pid, sessionId);
    }

    public void remove(long pid) {
        roots.remove(pid);
    }

    /** The agentsh session id the pid runs in, or null. */
    public String sessionOf(long pid) {
        long p = pid;
        for (int depth = 0; depth < 128 && p > 1; depth++) {
            String s = live(p);
            if (s != null) return s;
            long[] ps = PeerProcesses.ppidAndSid(p);
            if (ps == null) return null;
            String bySid = live(ps[1]);
            if (bySid != null) return bySid;
            p = ps[0];
        }
        return null;
    }

    private String live(long pid) {
        Entry e = roots.get(pid);
        if (e == null) return null;
        if (e.startTime() != PeerProcesses.startTime(pid)) {
            roots.remove(pid, e);
            return null;
        }
        return e.sessionId();
    }

    public boolean isGoverned(int pid) {
        return sessionOf(pid) != null;
    }

    public int count() {
        return roots.size();
    }
}
