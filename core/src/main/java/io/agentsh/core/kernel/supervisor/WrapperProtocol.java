package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.bpf.BpfProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The exec wrapper's wire protocol (docs/interfaces.md section 3; the C side is
 * shim-native/src/agentsh-exec-wrapper.c). AF_UNIX SOCK_SEQPACKET, one message per step,
 * little-endian integers, 4-byte ASCII tags:
 * <pre>
 * wrapper -> daemon  HELO u32 version=1, u32 pid, u32 token_len, token
 * daemon  -> wrapper PLAN u32 flags, u32 insn_count, [u64 keep_caps if CAPS],
 *                    [u32 cwd_len, cwd bytes if SETNS_MNT], sock_filter[insn_count]
 *                    (+SCM_RIGHTS, in this order: landlock fd if LANDLOCK, mount ns fd if SETNS_MNT,
 *                    net ns fd if SETNS_NET)
 *                    RJCT reason
 * wrapper -> daemon  LSTN u32 exec_pid (0, or with PIDNS/PTRACE the forked child's pid) (+SCM_RIGHTS listener fd; none with PTRACE)
 * daemon  -> wrapper ARMD | RJCT reason
 * </pre>
 */
public final class WrapperProtocol {
    public static final int VERSION = 1;
    public static final int PLAN_SETSID = 0x1;
    public static final int PLAN_LANDLOCK = 0x2;
    public static final int PLAN_WAIT_KILLABLE = 0x4;
    public static final int PLAN_CAPS = 0x8;
    /** New PID + mount namespace with a fresh /proc; LSTN then carries the exec'ing child's pid. */
    public static final int PLAN_PIDNS = 0x10;
    /**
     * setns() into the session's mount namespace (fd over SCM_RIGHTS) first of all, then chdir() to
     * the cwd the plan carries (empty: the wrapper's own working directory from before the setns).
     */
    public static final int PLAN_SETNS_MNT = 0x20;
    /** setns() into the session's network namespace (fd over SCM_RIGHTS), before the mount namespace. */
    public static final int PLAN_SETNS_NET = 0x40;
    /** Longest cwd the wrapper accepts (PATH_MAX). */
    public static final int MAX_CWD = 4096;
    /**
     * The program returns SECCOMP_RET_TRACE (no listener): the wrapper forks (the parent relays),
     * the child installs the filter, sends LSTN with its pid and no fd, and waits for ARMD, which
     * the daemon sends once its tracer has PTRACE_SEIZEd the child.
     */
    public static final int PLAN_PTRACE = 0x80;
    /** With PTRACE: the filter also has a listener (exec traced, the rest notified); LSTN carries its fd. */
    public static final int PLAN_HYBRID = 0x100;
    /**
     * Join the command's cgroup (v1): the plan carries a u32 count after the cwd, and that many
     * descriptors of the cgroup's {@code tasks} files follow the namespaces' over SCM_RIGHTS. The
     * process that will exec (after a PIDNS/PTRACE fork, the child; the relay parent stays
     * outside), before it forks or installs anything, writes "0" to each: it moves itself, one thread, which the kernel does without the global
     * cgroup_threadgroup_rwsem write lock (and its RCU grace period) that moving another process
     * by pid takes. The files were opened by the daemon: the kernel checks the opener's
     * credentials. A failed write exits 126.
     */
    public static final int PLAN_CGROUP = 0x200;
    /** Most cgroup files a plan carries (memory, pids, cpu/cpuacct, blkio and one spare). */
    public static final int MAX_CGROUP_FDS = 5;

    private WrapperProtocol() {}

    public record Hello(int version, int pid, String token) {}

    public static Hello parseHello(byte[] m) {
        if (m.length < 16 || !tag(m, "HELO")) throw new IllegalArgumentException("expected HELO from the exec wrapper");
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(4), pid = b.getInt(8), len = b.getInt(12);
        if (len < 0 || len > 256 || 16 + len != m.length) throw new IllegalArgumentException("malformed HELO");
        return new Hello(version, pid, new String(m, 16, len, StandardCharsets.US_ASCII));
    }

    public static byte[] plan(int flags, BpfProgram program) {
        return plan(flags, program, -1L);
    }

    public static byte[] plan(int flags, BpfProgram program, long keepCaps) {
        return plan(flags, program, keepCaps, "");
    }

    /** {@code cwd} is sent only with {@link #PLAN_SETNS_MNT} (empty: the wrapper keeps its own). */
    public static byte[] plan(int flags, BpfProgram program, long keepCaps, String cwd) {
        return plan(flags, program, keepCaps, cwd, 0);
    }

    /** As above; {@code cgroupFiles}: how many cgroup {@code tasks} descriptors follow, sent only with {@link #PLAN_CGROUP}. */
    public static byte[] plan(int flags, BpfProgram program, long keepCaps, String cwd, int cgroupFiles) {
        byte[] insns = program.toBytes();
        boolean caps = (flags & PLAN_CAPS) != 0;
        boolean cgroup = (flags & PLAN_CGROUP) != 0;
        if (cgroup && (cgroupFiles < 1 || cgroupFiles > MAX_CGROUP_FDS)) {
            throw new IllegalArgumentException("a plan joins 1 to " + MAX_CGROUP_FDS + " cgroup files, not " + cgroupFiles);
        }
        byte[] dir = (flags & PLAN_SETNS_MNT) != 0 ? cwd.getBytes(StandardCharsets.UTF_8) : null;
        if (dir != null && dir.length > MAX_CWD) throw new IllegalArgumentException("cwd longer than " + MAX_CWD + " bytes");
        ByteBuffer b = ByteBuffer.allocate(12 + (caps ? 8 : 0) + (dir != null ? 4 + dir.length : 0) + (cgroup ? 4 : 0)
                + insns.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("PLAN".getBytes(StandardCharsets.US_ASCII)).putInt(flags).putInt(program.size());
        if (caps) b.putLong(keepCaps);
        if (dir != null) b.putInt(dir.length).put(dir);
        if (cgroup) b.putInt(cgroupFiles);
        b.put(insns);
        return b.array();
    }

    /** LSTN's u32: the pid (in the daemon's namespace) of the process that will exec, 0 = the wrapper itself. */
    public static int listenerPid(byte[] m) {
        return ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    public static boolean isListenerMessage(byte[] m) {
        return m.length == 8 && tag(m, "LSTN");
    }

    public static byte[] armed() {
        return "ARMD".getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] reject(String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf("RJCT".getBytes(StandardCharsets.US_ASCII), 4 + Math.min(r.length, 1000));
        System.arraycopy(r, 0, out, 4, out.length - 4);
        return out;
    }

    private static boolean tag(byte[] m, String t) {
        return m.length >= 4 && m[0] == t.charAt(0) && m[1] == t.charAt(1) && m[2] == t.charAt(2) && m[3] == t.charAt(3);
    }
}
