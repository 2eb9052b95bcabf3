package io.agentsh.core.kernel.detect;

import io.agentsh.core.kernel.bpf.SeccompAction;
import io.agentsh.core.kernel.landlock.LandlockAbi;
import io.agentsh.core.kernel.seccomp.SeccompSupport;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Pointer;

/**
 * Probes that really exercise each mechanism. Anything that would change the probing process
 * (installing a filter, restricting itself, creating a namespace) runs in a child process: the
 * exec wrapper's {@code --probe} mode, or util-linux {@code unshare}. Nothing here guesses from
 * the kernel version.
 */
public final class MechanismProbes {
    private final Path wrapper;

    /** @param wrapper the exec wrapper binary, or null when it is not installed */
    public MechanismProbes(Path wrapper) {
        this.wrapper = wrapper;
    }

    public List<Mechanism> probeAll() {
        Map<String, String> child = wrapperProbe();
        List<Mechanism> out = new ArrayList<>();
        out.add(seccomp());
        out.add(seccompNotify(child));
        out.add(landlock(child));
        out.add(ptrace(child));
        out.add(fuse());
        out.add(CgroupProbe.probe(Path.of("/sys/fs/cgroup")));
        out.add(capabilitiesDrop());
        out.add(pidNamespace());
        out.add(ebpf());
        return out;
    }

    static Mechanism seccomp() {
        boolean ok = SeccompSupport.actionAvailable(SeccompAction.KILL_PROCESS);
        return new Mechanism("seccomp", ok, ok ? "filter mode available" : "SECCOMP_GET_ACTION_AVAIL failed",
                "seccomp(SECCOMP_GET_ACTION_AVAIL)");
    }

    private Mechanism seccompNotify(Map<String, String> child) {
        SeccompSupport.NotifSizes sizes = SeccompSupport.notifSizes();
        if (sizes == null) return new Mechanism("seccomp_user_notify", false, "kernel has no SECCOMP_GET_NOTIF_SIZES", "seccomp(2)");
        if (wrapper == null) return new Mechanism("seccomp_user_notify", false, "agentsh-exec-wrapper not installed (cannot arm commands)", "wrapper lookup");
        String r = child.get("seccomp_user_notify");
        if ("ok".equals(r)) return new Mechanism("seccomp_user_notify", true, "listener filter installed in a probe child", "agentsh-exec-wrapper --probe");
        String errno = child.getOrDefault("seccomp_errno", child.getOrDefault("no_new_privs_errno", "?"));
        return new Mechanism("seccomp_user_notify", false, "installing a listener filter failed (errno " + errno + ")", "agentsh-exec-wrapper --probe");
    }

    private Mechanism landlock(Map<String, String> child) {
        int abi = LandlockAbi.probe();
        String childAbi = child.get("landlock_abi");
        if (abi <= 0) return new Mechanism("landlock", false, "not enabled in this kernel (LSM list)", "landlock_create_ruleset(VERSION)");
        String net = abi >= 4 ? ", TCP bind/connect" : "";
        String scope = abi >= 6 ? ", signal/abstract-socket scoping" : "";
        return new Mechanism("landlock", true, "ABI " + abi + net + scope + (childAbi != null ? "" : " (wrapper not probed)"),
                "landlock_create_ruleset(LANDLOCK_CREATE_RULESET_VERSION)");
    }

    /**
     * The ptrace backend works when this process may PTRACE_SEIZE a child (the daemon is the
     * tracer) and the wrapper's probe ran the whole mechanism on a child of its own: a
     * SECCOMP_RET_TRACE filter, a seccomp-stop read with PTRACE_GET_SYSCALL_INFO, the syscall
     * skipped with -EPERM through the registers.
     */
    Mechanism ptrace(Map<String, String> child) {
        String method = "PTRACE_SEIZE on a child + agentsh-exec-wrapper --probe (seccomp-stop round trip)";
        Process p = null;
        try {
            p = new ProcessBuilder("sleep", "2").start();
            long r = LinuxSyscalls.call(SyscallNumbers.PTRACE, 0x4206 /* PTRACE_SEIZE */, p.pid(), 0, 0);
            if (r != 0) return new Mechanism("ptrace", false, "PTRACE_SEIZE failed: errno " + (-r), method);
        } catch (IOException e) {
            return new Mechanism("ptrace", false, "could not start a probe child: " + e.getMessage(), method);
        } finally {
            if (p != null) p.destroyForcibly();
        }
        if (wrapper == null) return new Mechanism("ptrace", false, "agentsh-exec-wrapper not installed (cannot arm commands)", method);
        String rt = child.get("ptrace_seccomp");
        if ("ok".equals(rt)) return new Mechanism("ptrace", true, "seccomp-stop round trip works (SECCOMP_RET_TRACE, GET_SYSCALL_INFO, skip)", method);
        return new Mechanism("ptrace", false, "seccomp-stop round trip failed at " + child.getOrDefault("ptrace_step", "?"), method);
    }

    static Mechanism fuse() {
        Path dev = Path.of("/dev/fuse");
        if (!Files.exists(dev)) return new Mechanism("fuse", false, "/dev/fuse missing", "/dev/fuse");
        long fd = LinuxSyscalls.call(SyscallNumbers.OPENAT, -100, LinuxSyscalls.cString("/dev/fuse").address(), 2 | 0x80000, 0);
        if (fd < 0) return new Mechanism("fuse", false, "/dev/fuse not openable (errno " + (-fd) + ")", "open /dev/fuse O_RDWR");
        LinuxSyscalls.close((int) fd);
        // The view mounts /dev/fuse itself (no libfuse, no fusermount): that takes CAP_SYS_ADMIN,
        // which FUSE passthrough (opened files' data never reaching the daemon) needs too.
        boolean sysAdmin = (statusHex("CapEff") & (1L << 21)) != 0;
        if (!sysAdmin) return new Mechanism("fuse", false, "no CAP_SYS_ADMIN: the workspace view cannot be mounted", "CapEff in /proc/self/status");
        return new Mechanism("fuse", true, "direct mount; passthrough " + (kernelAtLeast(6, 9)
                ? "available (Linux 6.9+)" : "unavailable (Linux < 6.9): the daemon serves file data itself"),
                "open /dev/fuse + CapEff");
    }

    /** Whether the running kernel's release is at least major.minor. */
    static boolean kernelAtLeast(int major, int minor) {
        try {
            String[] v = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim().split("[.-]");
            int ma = Integer.parseInt(v[0]), mi = Integer.parseInt(v[1]);
            return ma > major || (ma == major && mi >= minor);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static Mechanism capabilitiesDrop() {
        long eff = statusHex("CapEff");
        long bnd = statusHex("CapBnd");
        boolean setpcap = (eff & (1L << 8)) != 0;
        if (setpcap) return new Mechanism("capabilities_drop", true, "CAP_SETPCAP held: bounding set can be reduced for commands", "CapEff in /proc/self/status");
        if (bnd != -1 && Long.bitCount(bnd) < 38) return new Mechanism("capabilities_drop", true, "already running with a reduced bounding set", "CapBnd");
        return new Mechanism("capabilities_drop", false, "no CAP_SETPCAP and full bounding set", "CapEff/CapBnd");
    }

    static Mechanism pidNamespace() {
        for (String bin : List.of("/usr/bin/unshare", "/bin/unshare")) {
            if (!Files.isExecutable(Path.of(bin))) continue;
            try {
                Process p = new ProcessBuilder(bin, "--pid", "--fork", "--kill-child", "/bin/true").redirectErrorStream(true).start();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Mechanism("pid_namespace", false, "probe timed out", "unshare --pid --fork");
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.exitValue() == 0
                        ? new Mechanism("pid_namespace", true, "new PID namespace created in a child", "unshare --pid --fork")
                        : new Mechanism("pid_namespace", false, out.isEmpty() ? "unshare failed" : out, "unshare --pid --fork");
            } catch (IOException e) {
                return new Mechanism("pid_namespace", false, e.getMessage(), "unshare --pid --fork");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Mechanism("pid_namespace", false, "interrupted", "unshare --pid --fork");
            }
        }
        return new Mechanism("pid_namespace", false, "util-linux unshare not installed", "unshare --pid --fork");
    }

    /** BPF_PROG_LOAD of a two-instruction socket filter ("return 0"); loaded and closed, never attached. */
    static Mechanism ebpf() {
        Pointer insns = LinuxSyscalls.allocate(16);
        insns.putLong(0, 0x00000000000000b7L); // mov r0, 0
        insns.putLong(8, 0x0000000000000095L); // exit
        Pointer license = LinuxSyscalls.cString("GPL");
        Pointer attr = LinuxSyscalls.allocate(128);
        attr.putInt(0, 1);                     // BPF_PROG_TYPE_SOCKET_FILTER
        attr.putInt(4, 2);                     // insn_cnt
        attr.putLong(8, insns.address());
        attr.putLong(16, license.address());
        long fd = LinuxSyscalls.call(SyscallNumbers.BPF, 5 /* BPF_PROG_LOAD */, attr.address(), 128);
        if (fd < 0) return new Mechanism("ebpf", false, "BPF_PROG_LOAD failed: errno " + (-fd), "bpf(BPF_PROG_LOAD)");
        LinuxSyscalls.close((int) fd);
        return new Mechanism("ebpf", true, "programs load (not used by agentsh-java: out of scope)", "bpf(BPF_PROG_LOAD)");
    }

    private Map<String, String> wrapperProbe() {
        Map<String, String> out = new HashMap<>();
        if (wrapper == null) return out;
        try {
            Process p = new ProcessBuilder(wrapper.toString(), "--probe").redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return out;
            }
            for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
                int eq = line.indexOf('=');
                if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static long statusHex(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key + ":")) return Long.parseUnsignedLong(l.substring(key.length() + 1).trim(), 16);
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The exec wrapper: $AGENTSH_EXEC_WRAPPER, the package locations, else null. */
    public static Path findWrapper() {
        String env = System.getenv("AGENTSH_EXEC_WRAPPER");
        List<String> candidates = new ArrayList<>();
        if (env != null && !env.isEmpty()) candidates.add(env);
        candidates.addAll(List.of("/usr/lib/agentsh/agentsh-exec-wrapper", "/usr/bin/agentsh-exec-wrapper",
                "/usr/local/bin/agentsh-exec-wrapper", "shim-native/target/bin/agentsh-exec-wrapper",
                "../shim-native/target/bin/agentsh-exec-wrapper"));
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) return p.toAbsolutePath();
        }
        return null;
    }
}
