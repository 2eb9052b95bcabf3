package io.agentsh.core.fuse;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.ns.SessionMountNamespace;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Puts a view mounted in the daemon's namespace over the workspace path inside a session's mount
 * namespace, whenever that namespace was made (before or after the FUSE mount, so whether the
 * mount propagated into it does not matter): {@code open_tree(OPEN_TREE_CLONE)} takes a detached
 * copy of the view's mount in the daemon's namespace, and a thread inside the session's namespace
 * attaches it over the workspace with {@code move_mount}. Both mounts share the one FUSE connection.
 */
final class NamespaceBind {
    private static final long SYS_OPEN_TREE = 428, SYS_MOVE_MOUNT = 429;
    private static final int OPEN_TREE_CLONE = 1, OPEN_TREE_CLOEXEC = 02000000;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private static final int AT_FDCWD = -100;

    private NamespaceBind() {}

    static void bind(Path viewMountPoint, SessionMountNamespace ns, Path target) throws IOException {
        long tree = LinuxSyscalls.call(SYS_OPEN_TREE, AT_FDCWD, LinuxSyscalls.cString(viewMountPoint.toString()).address(),
                OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0) throw new IOException("open_tree(" + viewMountPoint + ", OPEN_TREE_CLONE): errno " + (-tree));
        try {
            ns.inside(() -> {
                long r = LinuxSyscalls.call(SYS_MOVE_MOUNT, tree, LinuxSyscalls.cString("").address(), AT_FDCWD,
                        LinuxSyscalls.cString(target.toString()).address(), MOVE_MOUNT_F_EMPTY_PATH);
                if (r < 0) throw new IOException("move_mount(view of " + viewMountPoint + " -> " + target
                        + " in the session's namespace): errno " + (-r));
                return null;
            });
        } finally {
            LinuxSyscalls.close((int) tree);
        }
    }

    /** Detaches whatever is mounted on {@code target} inside the namespace (the view); not mounted is fine. */
    static void unbind(SessionMountNamespace ns, Path target) throws IOException {
        if (!ns.isOpen()) return;
        ns.inside(() -> {
            if (LibC.INSTANCE.umount2(target.toString(), LibC.MNT_DETACH) != 0) {
                int e = LibC.errno();
                if (e != LibC.EINVAL && e != LibC.ENOENT) throw new IOException("umount " + target + " in the session's namespace: errno " + e);
            }
            return null;
        });
    }
}
