package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import jnr.ffi.Pointer;

/**
 * Makes the supervisor thread act with the tracee's file-system identity (fsuid, fsgid,
 * supplementary groups) while it performs an emulated operation, so permission checks and the
 * owner of created files are the tracee's, not the daemon's. Raw syscalls change only the
 * calling thread (glibc's set*id broadcast is not involved).
 */
final class ThreadCredentials {
    private static final int SYS_GETGROUPS = 115, SYS_SETGROUPS = 116, SYS_SETFSUID = 122, SYS_SETFSGID = 123;
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
    }

    /** Switches to the tracee's identity when it differs. Returns false if that failed (deny). */
    boolean become(TraceeInfo t) {
        int uid = t.fsuid(), gid = t.fsgid();
        if (uid < 0 || gid < 0) return false;
        if (uid == ownUid && gid == ownGid) return true;
        int[] g = t.groups();
        for (int i = 0; i < g.length; i++) groupBuf.putInt(4L * i, g[i]);
        switched = true;
        if (LinuxSyscalls.call(SYS_SETGROUPS, g.length, groupBuf.address(), 0) < 0) return false;
        LinuxSyscalls.call(SYS_SETFSGID, gid, 0, 0);
        LinuxSyscalls.call(SYS_SETFSUID, uid, 0, 0);
        return LinuxSyscalls.call(SYS_SETFSUID, -1, 0, 0) == uid && LinuxSyscalls.call(SYS_SETFSGID, -1, 0, 0) == gid;
    }

    void restore() {
        if (!switched) return;
        switched = false;
        LinuxSyscalls.call(SYS_SETFSUID, ownUid, 0, 0);
        LinuxSyscalls.call(SYS_SETFSGID, ownGid, 0, 0);
        LinuxSyscalls.call(SYS_SETGROUPS, ownGroupCount, ownGroups.address(), 0);
    }
}
