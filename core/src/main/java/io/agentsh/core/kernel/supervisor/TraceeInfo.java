package io.agentsh.core.kernel.supervisor;


/**
 * What the supervisor learns about the task behind one notification, read lazily from /proc
 * (most notifications need only some of it). Reused across notifications by {@link #reset}.
 * Every value is read before the notification id is re-validated, so a pid that died and was
 * reused in between is caught by SECCOMP_IOCTL_NOTIF_ID_VALID.
 */
final class TraceeInfo implements TraceeResolver.Tracee {
    private int tid;
    private int tgid;
    private int ppid;
    private int umask = -1;
    private int fsuid = -1;
    private int fsgid = -1;
    private int[] groups;
    private String cwd;
    private boolean cwdRead;
    private int threads = -1;
    private long capEff = -1;
    private int nsTgid;
    private int nsTid;
    private int nsDepth;
    /** How many PID namespaces deep this daemon is (NSpid entries of its own status). */
    private static final int OWN_NS_DEPTH = ownNsDepth();
    private final io.agentsh.core.kernel.sys.ProcFiles proc = new io.agentsh.core.kernel.sys.ProcFiles();

    void reset(int tid) {
        this.tid = tid;
        this.tgid = 0;
        this.ppid = -1;
        this.umask = -1;
        this.fsuid = -1;
        this.fsgid = -1;
        this.groups = null;
        this.cwd = null;
        this.cwdRead = false;
        this.threads = -1;
        this.capEff = -1;
        this.nsTgid = 0;
        this.nsTid = 0;
        this.nsDepth = 0;
    }

    /**
     * The tgid as the tracee's own PID namespace numbers it (what its /proc shows). Equal to
     * {@link #tgid} unless the command runs in a PID namespace of its own (sandbox.namespaces.pid).
     */
    @Override public int procTgid() {
        if (tgid == 0) readStatus();
        return nsTgid > 0 ? nsTgid : tgid;
    }

    @Override public int procTid() {
        if (tgid == 0) readStatus();
        return nsTid > 0 ? nsTid : tid;
    }

    /** Whether the tracee lives in a PID namespace below ours: then every pid it can name is in the session. */
    boolean inOwnPidNamespace() {
        if (tgid == 0) readStatus();
        return nsDepth > OWN_NS_DEPTH;
    }

    private static int ownNsDepth() {
        var p = new io.agentsh.core.kernel.sys.ProcFiles();
        if (!p.read((int) ProcessHandle.current().pid(), "status")) return 1;
        int[] ns = p.fields("NSpid");
        return ns == null || ns.length == 0 ? 1 : ns.length;
    }

    @Override public int tid() { return tid; }

    /** The tgid if already read (no /proc read here), else 0. */
    int knownTgid() {
        return tgid;
    }

    @Override public int tgid() {
        if (tgid == 0) readStatus();
        return tgid;
    }

    int ppid() {
        if (ppid < 0) readStatus();
        return ppid;
    }

    /** The tracee's umask (0022 when /proc does not say; the kernel default). */
    int umask() {
        if (umask < 0) readStatus();
        return umask < 0 ? 0022 : umask;
    }

    int fsuid() {
        if (fsuid < 0) readStatus();
        return fsuid;
    }

    int fsgid() {
        if (fsgid < 0) readStatus();
        return fsgid;
    }

    int[] groups() {
        if (groups == null) readStatus();
        return groups == null ? new int[0] : groups;
    }

    @Override public String cwd() {
        if (!cwdRead) {
            cwdRead = true;
            cwd = proc.readlink(tid, "cwd");
        }
        return cwd;
    }

    @Override public String fdPath(int fd) {
        if (fd < 0) return null;
        return proc.readlink(tid, "fd/" + fd);
    }

    private void readStatus() {
        if (!proc.read(tid, "status")) {
            tgid = tid;
            return;
        }
        tgid = (int) proc.field("Tgid", 0, 10, tid);
        ppid = (int) proc.field("PPid", 0, 10, -1);
        umask = (int) proc.field("Umask", 0, 8, -1);
        fsuid = (int) proc.field("Uid", 3, 10, -1);
        fsgid = (int) proc.field("Gid", 3, 10, -1);
        threads = (int) proc.field("Threads", 0, 10, -1);
        capEff = proc.field("CapEff", 0, 16, -1);
        groups = proc.fields("Groups");
        int[] nsPid = proc.fields("NSpid"), nsTg = proc.fields("NStgid");
        nsDepth = nsPid == null ? 0 : nsPid.length;
        nsTid = nsDepth > 0 ? nsPid[nsDepth - 1] : 0;
        nsTgid = nsTg != null && nsTg.length > 0 ? nsTg[nsTg.length - 1] : 0;
        if (tgid <= 0) tgid = tid;
    }

    /** Effective capabilities (CapEff), -1 if unknown. */
    long capEff() {
        if (tgid == 0) readStatus();
        return capEff;
    }

    /** Threads in the task's process (from status), -1 if unknown. */
    int threads() {
        if (tgid == 0) readStatus();
        return threads;
    }

}
