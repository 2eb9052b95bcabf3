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
