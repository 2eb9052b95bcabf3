package io.agentsh.core.kernel.landlock;

import java.util.List;

/**
 * The inputs of a session's Landlock ruleset: the `landlock:` config block plus the base
 * directories of the policy's allow rules (the policy side extracts them).
 *
 * @param allowRead      read files and list directories beneath
 * @param allowWrite     every file-system right beneath (workspace, /tmp)
 * @param allowExecute   execute (and read) beneath; exec of anything else fails in the kernel
 * @param denyPaths      dropped from every allow list when equal to or beneath an entry
 * @param devicePaths    read, write and device ioctls beneath (ttys, /dev/null)
 * @param allowConnectTcp false: TCP connect is handled and only {@code connectPorts} may connect
 * @param allowBindTcp   false: TCP bind is handled and only {@code bindPorts} may bind
 * @param scopeSignals   ABI 6: no signals to processes outside the session's domain
 * @param scopeAbstractUnix ABI 6: no connecting to abstract unix sockets outside the domain
 */
public record LandlockConfig(List<String> allowRead, List<String> allowWrite, List<String> allowExecute,
                             List<String> denyPaths, List<String> devicePaths, boolean allowConnectTcp,
                             List<Integer> connectPorts, boolean allowBindTcp, List<Integer> bindPorts,
                             boolean scopeSignals, boolean scopeAbstractUnix) {
    public LandlockConfig {
        allowRead = List.copyOf(allowRead);
        allowWrite = List.copyOf(allowWrite);
        allowExecute = List.copyOf(allowExecute);
        denyPaths = List.copyOf(denyPaths);
        devicePaths = List.copyOf(devicePaths);
        connectPorts = List.copyOf(connectPorts);
        bindPorts = List.copyOf(bindPorts);
    }

    /**
     * This config, with every path at or beneath {@code workspace} also given, with the same
     * rights (and the same deny entries), beneath {@code view}: where the session's FUSE view of
     * the workspace is mounted in the daemon's mount namespace. Landlock rules name inodes, and in
     * the session's mount namespace the workspace path is the view (a clone of that mount: same
     * superblock, same inodes), whose files sit under the view's root, not the real directory's;
     * Landlock skips the covered mount point when it walks up. Paths above the workspace need no
     * twin: the walk reaches them from the view. Null {@code view}: this config unchanged.
     */
    public LandlockConfig withView(String workspace, String view) {
        if (view == null || workspace == null || !workspace.startsWith("/")) return this;
        return new LandlockConfig(twin(allowRead, workspace, view), twin(allowWrite, workspace, view),
                twin(allowExecute, workspace, view), twin(denyPaths, workspace, view), twin(devicePaths, workspace, view),
                allowConnectTcp, connectPorts, allowBindTcp, bindPorts, scopeSignals, scopeAbstractUnix);
    }

    private static List<String> twin(List<String> paths, String workspace, String view) {
        String ws = strip(workspace);
        String root = strip(view);
        List<String> out = new java.util.ArrayList<>(paths);
        for (String p : paths) {
            if (p == null) continue;
            String c = strip(p);
            if (c.equals(ws)) out.add(root);
            else if (c.startsWith(ws.equals("/") ? "/" : ws + "/")) out.add(root + c.substring(ws.equals("/") ? 0 : ws.length()));
        }
        return out;
    }

    private static String strip(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** The system directories a command needs to run at all (binaries, loader, libraries). */
    public static final List<String> SYSTEM_EXECUTE = List.of("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");
    public static final List<String> SYSTEM_READ = List.of("/etc", "/usr", "/lib", "/lib64", "/proc", "/sys", "/dev", "/run");
    public static final List<String> SYSTEM_DEVICES = List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random",
            "/dev/urandom", "/dev/tty", "/dev/pts", "/dev/ptmx", "/dev/shm");

    /** Glob → the directory a Landlock rule can be put on: the part before the first wildcard. */
    public static String baseDir(String glob) {
        int cut = glob.length();
        for (char c : new char[] {'*', '?', '['}) {
            int i = glob.indexOf(c);
            if (i >= 0) cut = Math.min(cut, i);
        }
        String base = glob.substring(0, cut);
        if (cut < glob.length()) {
            int slash = base.lastIndexOf('/');
            base = slash <= 0 ? "/" : base.substring(0, slash);
        }
        while (base.length() > 1 && base.endsWith("/")) base = base.substring(0, base.length() - 1);
        return base.isEmpty() ? "/" : base;
    }
}
