package io.agentsh.core.kernel.landlock;

import static io.agentsh.core.kernel.landlock.LandlockAbi.*;

import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jnr.ffi.Pointer;

/**
 * Builds a Landlock ruleset from a {@link LandlockConfig} for the ABI the kernel offers: every
 * right that ABI knows is handled (so anything not granted is denied), rights of newer ABIs are
 * simply absent (best effort downward). Network: only the classes the config restricts are
 * handled, and their rules name real ports; an unrestricted class is not handled at all, so
 * outbound TCP keeps working (no port-0 rule that denies every real port).
 */
public final class LandlockRulesetBuilder {
    private static final int RULE_PATH_BENEATH = 1, RULE_NET_PORT = 2;

    private LandlockRulesetBuilder() {}

    public static LandlockRuleset build(LandlockConfig cfg) throws IOException {
        return build(cfg, LandlockAbi.probe());
    }

    public static LandlockRuleset build(LandlockConfig cfg, int kernelAbi) throws IOException {
        if (kernelAbi <= 0) throw new IOException("Landlock is not available on this kernel");
        int abi = Math.min(kernelAbi, 7);
        long fsAll = fsRights(abi);
        long net = 0;
        if (abi >= 4) {
            if (!cfg.allowConnectTcp()) net |= NET_CONNECT_TCP;
            if (!cfg.allowBindTcp()) net |= NET_BIND_TCP;
        }
        long scoped = 0;
        if (abi >= 6) {
            if (cfg.scopeSignals()) scoped |= SCOPE_SIGNAL;
            if (cfg.scopeAbstractUnix()) scoped |= SCOPE_ABSTRACT_UNIX_SOCKET;
        }
        Pointer attr = LinuxSyscalls.allocate(24);
        attr.putLong(0, fsAll);
        attr.putLong(8, net);
        attr.putLong(16, scoped);
        int attrSize = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
        long fd = LinuxSyscalls.call(SyscallNumbers.LANDLOCK_CREATE_RULESET, attr.address(), attrSize, 0);
        if (fd < 0) throw new IOException("landlock_create_ruleset: errno " + (-fd));

        Map<String, Long> grants = new LinkedHashMap<>();
        long read = FS_READ;
        long exec = FS_EXECUTE | FS_READ;
        long write = fsAll & ~FS_EXECUTE;
        long device = (FS_READ | FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV) & fsAll;
        add(grants, cfg.allowRead(), read, cfg.denyPaths());
        add(grants, cfg.allowExecute(), exec, cfg.denyPaths());
        add(grants, cfg.allowWrite(), write, cfg.denyPaths());
        add(grants, cfg.devicePaths(), device, cfg.denyPaths());

        int rules = 0;
        FsCalls fs = new FsCalls();
        Pointer beneath = LinuxSyscalls.allocate(12);
        try {
            for (Map.Entry<String, Long> g : grants.entrySet()) {
                long pfd = fs.openat(FsCalls.AT_FDCWD, g.getKey(), FsCalls.O_PATH | FsCalls.O_CLOEXEC, 0);
                if (pfd < 0) continue; // a path that does not exist grants nothing
                try {
                    long mode = fs.statMode((int) pfd, "", FsCalls.AT_EMPTY_PATH);
                    boolean dir = mode >= 0 && (mode & FsCalls.S_IFMT) == FsCalls.S_IFDIR;
                    long access = g.getValue() & fsAll & (dir ? ~0L : FS_FILE_ONLY);
                    if (access == 0) continue;
                    beneath.putLong(0, access);
                    beneath.putInt(8, (int) pfd);
                    long r = LinuxSyscalls.call(SyscallNumbers.LANDLOCK_ADD_RULE, fd, RULE_PATH_BENEATH, beneath.address(), 0);
                    // EBADFD: the path resolves to a pipe or socket (e.g. /dev/stdin of a daemon whose
                    // stdin is a pipe); Landlock cannot grant on those, and not granting only narrows access.
                    if (r == -77) continue;
                    if (r < 0) throw new IOException("landlock_add_rule(" + g.getKey() + "): errno " + (-r));
                    rules++;
                } finally {
                    LinuxSyscalls.close((int) pfd);
                }
            }
            Pointer port = LinuxSyscalls.allocate(16);
            rules += addPorts(fd, port, net & NET_CONNECT_TCP, cfg.connectPorts());
            rules += addPorts(fd, port, net & NET_BIND_TCP, cfg.bindPorts());
        } catch (IOException | RuntimeException e) {
            LinuxSyscalls.close((int) fd);
            throw e;
        }
        return new LandlockRuleset((int) fd, abi, fsAll, net, scoped, rules, cfg);
    }

    private static int addPorts(long fd, Pointer port, long access, List<Integer> ports) throws IOException {
        if (access == 0) return 0;
        int n = 0;
        for (int p : ports) {
            if (p <= 0 || p > 65535) throw new IOException("Landlock port out of range: " + p);
            port.putLong(0, access);
            port.putLong(8, p);
            long r = LinuxSyscalls.call(SyscallNumbers.LANDLOCK_ADD_RULE, fd, RULE_NET_PORT, port.address(), 0);
            if (r < 0) throw new IOException("landlock_add_rule(port " + p + "): errno " + (-r));
            n++;
        }
        return n;
    }

    private static void add(Map<String, Long> grants, List<String> paths, long access, List<String> deny) {
        for (String p : paths) {
            if (p == null || p.isEmpty() || !p.startsWith("/")) continue;
            String clean = p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
            if (deny.stream().anyMatch(d -> clean.equals(d) || clean.startsWith(d.endsWith("/") ? d : d + "/"))) continue;
            grants.merge(clean, access, (a, b) -> a | b);
        }
    }
}
