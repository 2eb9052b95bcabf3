package io.agentsh.core.kernel.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    private long capEff = -2;
    private int nsTgid;
    private int nsTid;
    private int nsDepth;
    /** How many PID namespaces deep this daemon is (NSpid entries of our own status). */
    private static final int OWN_NS_DEPTH = ownNsDepth();

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
        this.capEff = -2;
        this.nsTgid = 0;
        this.nsTid = 0;
        this.nsDepth = 0;
    }

    /**
     * The tgid as the tracee's own PID namespace numbers it (what its /proc shows). Equal to
     * {@link #tgid} unless the command runs in a PID namespace of its own (sandbox.namespaces.pid).
     */
    @Override public int procTgid() {
        if (nsTgid == 0) readStatus();
        return nsTgid == 0 ? tgid() : nsTgid;
    }

    @Override public int procTid() {
        if (nsTid == 0) readStatus();
        return nsTid == 0 ? tid : nsTid;
    }

    /** The tracee's effective capabilities, or -1 when /proc does not say (then deny). */
    long capEff() {
        if (capEff == -2) readStatus();
        return capEff == -2 ? -1 : capEff;
    }

    /** Whether the tracee lives in a PID namespace below ours: then every pid it can name is in the session. */
    boolean inOwnPidNamespace() {
        if (nsDepth == 0) readStatus();
        return nsDepth > OWN_NS_DEPTH;
    }

    @Override public int tid() { return tid; }

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
            cwd = link("/proc/" + tid + "/cwd");
        }
        return cwd;
    }

    @Override public String fdPath(int fd) {
        if (fd < 0) return null;
        return link("/proc/" + tid + "/fd/" + fd);
    }

    private static String link(String p) {
        try {
            String s = Files.readSymbolicLink(Path.of(p)).toString();
            return s.startsWith("/") && !s.endsWith(" (deleted)") ? s : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void readStatus() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/" + tid + "/status"));
        } catch (IOException e) {
            tgid = tid;
            return;
        }
        for (String l : lines) {
            if (l.startsWith("Tgid:")) tgid = Integer.parseInt(l.substring(5).trim());
            else if (l.startsWith("PPid:")) ppid = Integer.parseInt(l.substring(5).trim());
            else if (l.startsWith("CapEff:")) capEff = Long.parseUnsignedLong(l.substring(7).trim(), 16);
            else if (l.startsWith("NStgid:")) nsTgid = lastNumber(l);
            else if (l.startsWith("NSpid:")) {
                nsTid = lastNumber(l);
                nsDepth = l.substring(6).trim().split("\\s+").length;
            }
            else if (l.startsWith("Umask:")) umask = Integer.parseInt(l.substring(6).trim(), 8);
            else if (l.startsWith("Uid:")) fsuid = Integer.parseInt(field(l, 4));
            else if (l.startsWith("Gid:")) fsgid = Integer.parseInt(field(l, 4));
            else if (l.startsWith("Groups:")) {
                String[] g = l.substring(7).trim().split("\\s+");
                int[] out = new int[g.length == 1 && g[0].isEmpty() ? 0 : g.length];
                for (int i = 0; i < out.length; i++) out[i] = Integer.parseInt(g[i]);
                groups = out;
            }
        }
        if (tgid == 0) tgid = tid;
    }

    private static int lastNumber(String line) {
        String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Integer.parseInt(f[f.length - 1]);
    }

    private static int ownNsDepth() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("NSpid:")) return l.substring(6).trim().split("\\s+").length;
            }
        } catch (IOException e) {
            return 1;
        }
        return 1;
    }

    private static String field(String line, int index) {
        return line.substring(line.indexOf(':') + 1).trim().split("\\s+")[index - 1];
    }
}
