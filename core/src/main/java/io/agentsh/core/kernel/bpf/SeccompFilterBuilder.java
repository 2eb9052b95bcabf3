package io.agentsh.core.kernel.bpf;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles a {@link FilterSpec} into a seccomp BPF program for x86_64.
 *
 * <p>Shape: refuse any other architecture and the x32 ABI (KILL_PROCESS: a process that tries
 * is not one we can reason about), then one block per listed syscall (a JEQ on the number,
 * jumping over the block when it does not match; every block ends in RET), then ALLOW. Blocks
 * that look at arguments:
 * <ul>
 * <li>open/openat: when read-only opens are answered in the kernel, only flags with write
 *     intent (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_TMPFILE) notify;</li>
 * <li>unshare/clone with any CLONE_NEW* namespace flag: EPERM (plain clone/fork still works);</li>
 * <li>clone3: ENOSYS, because its flags live in user memory where BPF cannot see them; libc
 *     falls back to clone, whose flags are checked above.</li>
 * </ul>
 */
public final class SeccompFilterBuilder {
    private static final int OFF_NR = 0, OFF_ARCH = 4;
    /** seccomp_data.args[i], low 32 bits (little-endian). */
    private static int argLow(int i) { return 16 + 8 * i; }

    /** O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|__O_TMPFILE */
    public static final int OPEN_WRITE_INTENT = 0x1 | 0x2 | 0x40 | 0x200 | 0x400 | 0x400000;
    /** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */
    public static final int CLONE_NEW_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000
            | 0x10000000 | 0x20000000 | 0x40000000;
    /** unshare also accepts CLONE_NEWTIME (in clone's exit-signal byte, so not for clone). */
    public static final int UNSHARE_NEW_NAMESPACES = CLONE_NEW_NAMESPACES | 0x80;

    private SeccompFilterBuilder() {}

    public static BpfProgram build(FilterSpec spec) {
        return build(spec, SeccompAction.USER_NOTIF, java.util.Set.of());
    }

    /**
     * As {@link #build(FilterSpec)}, with {@code trap} (USER_NOTIF or TRACE) as the action for the
     * notified syscalls, except those in {@code traced}, which return SECCOMP_RET_TRACE (the
     * hybrid: exec to a ptrace tracer, the rest to the listener).
     */
    public static BpfProgram build(FilterSpec spec, int trap, java.util.Set<Integer> traced) {
        List<SockFilter> out = new ArrayList<>();
        out.add(SockFilter.load(OFF_ARCH));
        out.add(SockFilter.jeq(SeccompAction.AUDIT_ARCH_X86_64, 1, 0));
        out.add(SockFilter.ret(SeccompAction.KILL_PROCESS));
        out.add(SockFilter.load(OFF_NR));
        out.add(SockFilter.jset(SeccompAction.X32_SYSCALL_BIT, 0, 1));
        out.add(SockFilter.ret(SeccompAction.KILL_PROCESS));

        Map<Integer, List<SockFilter>> blocks = new TreeMap<>();
        for (Map.Entry<Integer, Integer> e : spec.blocked().entrySet()) {
            int nr = e.getKey();
            int errno = SeccompAction.errno(e.getValue());
            if (nr == SyscallNumbers.UNSHARE) {
                blocks.put(nr, argFlagBlock(0, UNSHARE_NEW_NAMESPACES, errno, SeccompAction.ALLOW));
            } else {
                blocks.put(nr, List.of(SockFilter.ret(errno)));
            }
        }
        if (spec.blocked().containsKey(SyscallNumbers.UNSHARE) && !spec.notified().contains(SyscallNumbers.CLONE)) {
            // The namespace block on unshare would be pointless if clone could do the same.
            blocks.put(SyscallNumbers.CLONE, argFlagBlock(0, CLONE_NEW_NAMESPACES,
                    SeccompAction.errno(Errno.EPERM), SeccompAction.ALLOW));
            blocks.put(SyscallNumbers.CLONE3, List.of(SockFilter.ret(SeccompAction.errno(Errno.ENOSYS))));
        }
        for (int nr : new TreeSet<>(spec.notified())) {
            int action = traced.contains(nr) ? SeccompAction.TRACE : trap;
            if (!spec.trapReadOnlyOpens() && nr == SyscallNumbers.OPEN) {
                blocks.put(nr, argFlagBlock(1, OPEN_WRITE_INTENT, action, SeccompAction.ALLOW));
            } else if (!spec.trapReadOnlyOpens() && nr == SyscallNumbers.OPENAT) {
                blocks.put(nr, argFlagBlock(2, OPEN_WRITE_INTENT, action, SeccompAction.ALLOW));
            } else {
                blocks.put(nr, List.of(SockFilter.ret(action)));
            }
        }
        // The accumulator still holds nr at the start of every block test: blocks end in RET and
        // only a matching block loads an argument.
        for (Map.Entry<Integer, List<SockFilter>> e : blocks.entrySet()) {
            List<SockFilter> block = e.getValue();
            out.add(SockFilter.jeq(e.getKey(), 0, block.size()));
            out.addAll(block);
        }
        out.add(SockFilter.ret(SeccompAction.ALLOW));
        return new BpfProgram(out);
    }

    /** if (args[i] & mask) return hit; else return miss. */
    private static List<SockFilter> argFlagBlock(int arg, int mask, int hit, int miss) {
        return List.of(
                SockFilter.load(argLow(arg)),
                SockFilter.jset(mask, 0, 1),
                SockFilter.ret(hit),
                SockFilter.ret(miss));
    }
}
