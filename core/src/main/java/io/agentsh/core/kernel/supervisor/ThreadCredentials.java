package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import jnr.ffi.Pointer;

/**
 * Makes the supervisor thread act with the tracee's file-system identity (fsuid, fsgid,
 * supplementary groups) and effective capabilities while it performs an emulated operation, so
 * permission checks and the owner of created files are the tracee's, not the daemon's (a
 * command whose capabilities were dropped gets no CAP_DAC_OVERRIDE through the supervisor).
 * Raw syscalls change only the calling thread (glibc's set*id broadcast is not involved).
 */
final class ThreadCredentials {
    private static final int SYS_GETGROUPS = 115, SYS_SETGROUPS = 116, SYS_SETFSUID = 122, SYS_SETFSGID = 123;
    private static final int SYS_CAPGET = 125, SYS_CAPSET = 126, CAP_V3 = 0x20080522;
    private final int ownUid;
    private final int ownGid;
    // Sized to what is used, not to NGROUPS_MAX (65536): one of these is made per governed
    // command tree, and two zeroed 256 KiB buffers were most of the cost of starting one.
    private final Pointer ownGroups;
    private final int ownGroupCount;
    private Pointer groupBuf;
    private int groupCapacity;
    private final Pointer capHeader = LinuxSyscalls.allocate(8);
    private final Pointer capData = LinuxSyscalls.allocate(24);
    private final long ownEff;
    private final long ownPerm;
    private final long ownInh;
    /** What become() changed, so restore() undoes exactly that: each change is a commit_creds. */
    private boolean idsSwitched;
    private boolean capsSwitched;

    ThreadCredentials() {
        ownUid = (int) LinuxSyscalls.call(SYS_SETFSUID, -1, 0, 0); // -1: query only
        ownGid = (int) LinuxSyscalls.call(SYS_SETFSGID, -1, 0, 0);
        int count = (int) Math.max(0, LinuxSyscalls.call(SYS_GETGROUPS, 0, 0, 0)); // 0: how many
        ownGroups = LinuxSyscalls.allocate(4 * Math.max(1, count));
        ownGroupCount = (int) Math.max(0, LinuxSyscalls.call(SYS_GETGROUPS, count, ownGroups.address(), 0));
        capHeader.putInt(0, CAP_V3);
        capHeader.putInt(4, 0);
        if (LinuxSyscalls.call(SYS_CAPGET, capHeader.address(), capData.address(), 0) != 0)
            throw new IllegalStateException("capget failed on the supervisor thread");
        ownEff = caps(0);
        ownPerm = caps(4);
        ownInh = caps(8);
    }

    private long caps(int field) {
        return (capData.getInt(field) & 0xffffffffL) | (capData.getInt(12 + field) & 0xffffffffL) << 32;
    }

    private boolean setCaps(long eff) {
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
        long eff = t.capEff();
        if (uid < 0 || gid < 0 || eff == -1) return false;
        eff &= ownPerm;
        if (uid == ownUid && gid == ownGid && eff == ownEff) return true;
        if (uid != ownUid || gid != ownGid) {
            idsSwitched = true;
            int[] g = t.groups();
            if (g.length > groupCapacity) {
                groupCapacity = Math.max(g.length, 32);
                groupBuf = LinuxSyscalls.allocate(4 * groupCapacity);
            }
            for (int i = 0; i < g.length; i++) groupBuf.putInt(4L * i, g[i]);
            if (LinuxSyscalls.call(SYS_SETGROUPS, g.length, g.length == 0 ? 0 : groupBuf.address(), 0) < 0) return false;
            LinuxSyscalls.call(SYS_SETFSGID, gid, 0, 0);
            LinuxSyscalls.call(SYS_SETFSUID, uid, 0, 0);
            if (LinuxSyscalls.call(SYS_SETFSUID, -1, 0, 0) != uid || LinuxSyscalls.call(SYS_SETFSGID, -1, 0, 0) != gid) return false;
        }
        // A change of fsuid away from 0 also clears the file capabilities from the effective
        // set (and back to 0 restores them): after an id switch the set is always written.
        if (!idsSwitched && eff == ownEff) return true;
        capsSwitched = true;
        return setCaps(eff);
    }

    void restore() {
        // Capabilities first: setgroups needs CAP_SETGID in the effective set, which an
        // unprivileged tracee's identity does not have (restoring the groups before the
        // capabilities failed with EPERM and left the tracee's groups on this thread).
        if (capsSwitched) {
            capsSwitched = false;
            if (!setCaps(ownEff)) throw new IllegalStateException("cannot restore the supervisor thread's capabilities");
        }
        if (idsSwitched) {
            idsSwitched = false;
            LinuxSyscalls.call(SYS_SETFSUID, ownUid, 0, 0);
            LinuxSyscalls.call(SYS_SETFSGID, ownGid, 0, 0);
            if (LinuxSyscalls.call(SYS_SETGROUPS, ownGroupCount, ownGroups.address(), 0) < 0
                    || LinuxSyscalls.call(SYS_SETFSUID, -1, 0, 0) != ownUid || LinuxSyscalls.call(SYS_SETFSGID, -1, 0, 0) != ownGid)
                throw new IllegalStateException("cannot restore the supervisor thread's file-system identity");
        }
    }
}
