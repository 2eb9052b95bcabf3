package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import jnr.ffi.Pointer;

/**
 * Makes the supervisor thread act with the tracee's file-system identity (fsuid, fsgid,
 * supplementary groups) while it performs an emulated operation, so permission checks and the
 * owner of created files are the tracee's, not the daemon's. Raw syscalls change only the
 * calling thread (glibc's set*id broadcast is not involved).
 *
 * <p>Capabilities too: the thread's effective set is narrowed to the tracee's CapEff, so a
 * command whose capabilities were dropped (capabilities.allow) cannot have the supervisor open
 * with the daemon's CAP_DAC_OVERRIDE what it could not open itself. The effective set is per
 * thread and is raised back from the permitted set on restore.
 */
final class ThreadCredentials {
    private static final int SYS_GETGROUPS = 115, SYS_SETGROUPS = 116, SYS_SETFSUID = 122, SYS_SETFSGID = 123;
    private static final int SYS_CAPGET = 125, SYS_CAPSET = 126, CAP_V3 = 0x20080522;
    private final Pointer capHeader = LinuxSyscalls.allocate(8);
    private final Pointer capData = LinuxSyscalls.allocate(24);
    private final long ownEff;
    private final long ownPerm;
    private final long ownInh;
    private boolean capsNarrowed;
    private final int ownUid;
    private final int ownGid;
    private final Pointer ownGroups = LinuxSyscalls.allocate(4 * 65536);
    private final int ownGroupCount;
    private final Pointer groupBuf = LinuxSyscalls.allocate(4 * 65536);
    private boolean switched;

    ThreadCredentials() {
        ownUid = (int) LinuxSyscalls.call(SYS_SETFSUID, -1, 0, 0); // -1: query only
        ownGid = (int) LinuxSyscalls.call(SYS_SETFSGID, -1, 0, 0);
        ownGroupCount = (int) Math.max(0, LinuxSyscalls.call(SYS_GETGROUPS, 65536, ownGroups.address(), 0));
        capHeader.putInt(0, CAP_V3);
        capHeader.putInt(4, 0);
        if (LinuxSyscalls.call(SYS_CAPGET, capHeader.address(), capData.address(), 0) == 0) {
            ownEff = set(0);
            ownPerm = set(4);
            ownInh = set(8);
        } else {
            ownEff = ownPerm = ownInh = 0;
        }
    }

    private long set(int offset) {
        return (capData.getInt(offset) & 0xffffffffL) | (capData.getInt(12 + offset) & 0xffffffffL) << 32;
    }

    private boolean capset(long eff) {
        capHeader.putInt(0, CAP_V3);
        capHeader.putInt(4, 0);
        capData.putInt(0, (int) eff);
        capData.putInt(4, (int) ownPerm);
        capData.putInt(8, (int) ownInh);
        capData.putInt(12, (int) (eff >>> 32));
        capData.putInt(16, (int) (ownPerm >>> 32));
        capData.putInt(20, (int) (ownInh >>> 32));
        return LinuxSyscalls.call(SYS_CAPSET, capHeader.address(), capData.address(), 0) == 0;
    }

    /** Switches to the tracee's identity when it differs. Returns false if that failed (deny). */
    boolean become(TraceeInfo t) {
        int uid = t.fsuid(), gid = t.fsgid();
        if (uid < 0 || gid < 0) return false;
        long eff = t.capEff();
        if (eff == -1) return false;
        boolean narrow = (ownEff & ~eff) != 0;
        if (uid == ownUid && gid == ownGid) {
            if (!narrow) return true;
            switched = true;
            capsNarrowed = true;
            return capset(ownEff & eff);
        }
        int[] g = t.groups();
        for (int i = 0; i < g.length; i++) groupBuf.putInt(4L * i, g[i]);
        switched = true;
        if (LinuxSyscalls.call(SYS_SETGROUPS, g.length, groupBuf.address(), 0) < 0) return false;
        LinuxSyscalls.call(SYS_SETFSGID, gid, 0, 0);
        LinuxSyscalls.call(SYS_SETFSUID, uid, 0, 0);
        if (narrow) {
            capsNarrowed = true;
            if (!capset(ownEff & eff)) return false;
        }
        return LinuxSyscalls.call(SYS_SETFSUID, -1, 0, 0) == uid && LinuxSyscalls.call(SYS_SETFSGID, -1, 0, 0) == gid;
    }

    void restore() {
        if (!switched) return;
        switched = false;
        LinuxSyscalls.call(SYS_SETFSUID, ownUid, 0, 0);
        LinuxSyscalls.call(SYS_SETFSGID, ownGid, 0, 0);
        LinuxSyscalls.call(SYS_SETGROUPS, ownGroupCount, ownGroups.address(), 0);
        if (capsNarrowed) {
            capsNarrowed = false;
            capset(ownEff); // after fsuid: going back to fsuid 0 re-raises only the fs capabilities
        }
    }
}
