package io.agentsh.core.kernel.seccomp;

import static io.agentsh.core.kernel.sys.SyscallNumbers.*;

import io.agentsh.core.kernel.bpf.FilterSpec;
import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which syscalls the governed tree's filter sends to the supervisor and which it refuses
 * outright. The block list is configurable ({@code sandbox.seccomp.syscalls.block}); names the
 * table does not know are an error, never silently ignored.
 */
public final class SyscallSets {
    public static final Set<Integer> EXEC = Set.of(EXECVE, EXECVEAT);
    public static final Set<Integer> FILE = Set.of(OPEN, OPENAT, OPENAT2, CREAT, TRUNCATE, UNLINK, UNLINKAT, RMDIR,
            MKDIR, MKDIRAT, RENAME, RENAMEAT, RENAMEAT2, LINK, LINKAT, SYMLINK, SYMLINKAT, CHMOD, FCHMODAT, FCHMODAT2,
            CHOWN, LCHOWN, FCHOWNAT, MKNOD, MKNODAT);
    /** Syscalls taking a socket address the unix-socket rules judge. */
    public static final Set<Integer> SOCKET_ADDR = Set.of(CONNECT, BIND);
    public static final Set<Integer> SIGNAL = Set.of(KILL, TKILL, TGKILL, RT_SIGQUEUEINFO, RT_TGSIGQUEUEINFO, PIDFD_SEND_SIGNAL);

    /**
     * Refused with EPERM by default: tracing and foreign memory, mounts (old and new API) and
     * root changes, kernel modules and kexec, BPF, io_uring (its opens never pass through this
     * filter), userfaultfd, perf, namespace creation/entry, the kernel keyring, identity and
     * clock setting, reboot, swap, accounting, personality, raw port I/O, open_by_handle_at
     * (opens by inode, bypassing path checks). chroot is here because the supervisor resolves
     * paths against the session's root.
     */
    public static final List<String> DEFAULT_BLOCKED = List.of(
            "ptrace", "process_vm_readv", "process_vm_writev", "personality",
            "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount",
            "fspick", "mount_setattr",
            "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
            "bpf", "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd", "perf_event_open",
            "unshare", "setns", "keyctl", "add_key", "request_key",
            "sethostname", "setdomainname", "reboot", "swapon", "swapoff",
            "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "acct", "iopl", "ioperm",
            "open_by_handle_at", "uselib");

    private SyscallSets() {}

    /** Syscall numbers for names; throws naming the first unknown name. */
    public static Map<Integer, Integer> blocked(List<String> names) {
        Map<Integer, Integer> out = new HashMap<>();
        for (String name : names) {
            int nr = SyscallNumbers.number(name.trim());
            if (nr < 0) throw new IllegalArgumentException("sandbox.seccomp.syscalls.block: unknown syscall '" + name + "'");
            out.put(nr, Errno.EPERM);
        }
        return out;
    }

    /**
     * The filter for a governed session: exec, file and signal syscalls to the supervisor,
     * {@code blockedNames} refused with EPERM. Read-only opens stay in the kernel unless the
     * policy could deny one.
     */
    public static FilterSpec sessionFilter(List<String> blockedNames, boolean trapReadOnlyOpens) {
        return sessionFilter(blockedNames, trapReadOnlyOpens, false);
    }

    /** As above; {@code trapUnixSockets}: connect and bind go to the supervisor too (unix-socket rules). */
    public static FilterSpec sessionFilter(List<String> blockedNames, boolean trapReadOnlyOpens, boolean trapUnixSockets) {
        Map<Integer, Integer> blocked = blocked(blockedNames);
        List<Integer> notify = new ArrayList<>();
        List<Set<Integer>> sets = trapUnixSockets ? List.of(EXEC, FILE, SIGNAL, SOCKET_ADDR) : List.of(EXEC, FILE, SIGNAL);
        for (Set<Integer> s : sets) for (int nr : s) if (!blocked.containsKey(nr)) notify.add(nr);
        return new FilterSpec(Set.copyOf(notify), blocked, trapReadOnlyOpens);
    }
}
