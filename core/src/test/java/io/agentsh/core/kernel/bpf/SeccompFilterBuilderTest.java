package io.agentsh.core.kernel.bpf;

import static io.agentsh.core.kernel.sys.SyscallNumbers.*;
import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.kernel.seccomp.SyscallSets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Runs the generated program in a small classic-BPF interpreter over synthetic seccomp_data. */
class SeccompFilterBuilderTest {
    static final BpfProgram READS_IN_KERNEL = SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, false));
    static final BpfProgram READS_TRAPPED = SeccompFilterBuilder.build(SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, true));

    /** Evaluates {@code prog} for (arch, nr, args). */
    static int run(BpfProgram prog, int arch, int nr, long... args) {
        int acc = 0;
        List<SockFilter> in = prog.instructions();
        for (int pc = 0; pc < in.size(); pc++) {
            SockFilter f = in.get(pc);
            switch (f.code()) {
                case SockFilter.LD_W_ABS -> acc = load(f.k(), arch, nr, args);
                case SockFilter.JEQ_K -> pc += acc == f.k() ? f.jt() : f.jf();
                case SockFilter.JSET_K -> pc += (acc & f.k()) != 0 ? f.jt() : f.jf();
                case SockFilter.RET_K -> { return f.k(); }
                default -> fail("unexpected opcode " + f.code());
            }
        }
        return fail("fell off the end");
    }

    private static int load(int off, int arch, int nr, long[] args) {
        if (off == 0) return nr;
        if (off == 4) return arch;
        int i = (off - 16) / 8;
        long a = i < args.length ? args[i] : 0;
        return (off - 16) % 8 == 0 ? (int) a : (int) (a >>> 32);
    }

    static final int X86_64 = SeccompAction.AUDIT_ARCH_X86_64;

    @Test
    void otherArchitecturesAndX32AreKilled() {
        assertEquals(SeccompAction.KILL_PROCESS, run(READS_IN_KERNEL, 0x40000003 /* i386 */, READ));
        assertEquals(SeccompAction.KILL_PROCESS, run(READS_IN_KERNEL, X86_64, 0x40000000 | READ));
    }

    @Test
    void actionsPerSyscall() {
        assertEquals(SeccompAction.USER_NOTIF, run(READS_IN_KERNEL, X86_64, EXECVE));
        assertEquals(SeccompAction.USER_NOTIF, run(READS_IN_KERNEL, X86_64, UNLINKAT));
        assertEquals(SeccompAction.USER_NOTIF, run(READS_IN_KERNEL, X86_64, KILL));
        assertEquals(SeccompAction.USER_NOTIF, run(READS_IN_KERNEL, X86_64, OPENAT2));
        assertEquals(SeccompAction.errno(1), run(READS_IN_KERNEL, X86_64, PTRACE));
        assertEquals(SeccompAction.errno(1), run(READS_IN_KERNEL, X86_64, SETHOSTNAME));
        assertEquals(SeccompAction.errno(1), run(READS_IN_KERNEL, X86_64, IO_URING_SETUP));
        assertEquals(SeccompAction.ALLOW, run(READS_IN_KERNEL, X86_64, READ));
        assertEquals(SeccompAction.ALLOW, run(READS_IN_KERNEL, X86_64, WRITE));
    }

    @Test
    void readOnlyOpensStayInTheKernelOnlyWhenAsked() {
        assertEquals(SeccompAction.ALLOW, run(READS_IN_KERNEL, X86_64, OPENAT, -100, 0x1000, 0 /* O_RDONLY */));
        assertEquals(SeccompAction.ALLOW, run(READS_IN_KERNEL, X86_64, OPEN, 0x1000, 0x80000 /* O_CLOEXEC */));
        assertEquals(SeccompAction.USER_NOTIF, run(READS_TRAPPED, X86_64, OPENAT, -100, 0x1000, 0));
        for (int f : new int[] {1, 2, 0x40, 0x200, 0x400, 0x410000}) {
            assertEquals(SeccompAction.USER_NOTIF, run(READS_IN_KERNEL, X86_64, OPENAT, -100, 0x1000, f), "flags " + f);
            assertEquals(SeccompAction.USER_NOTIF, run(READS_IN_KERNEL, X86_64, OPEN, 0x1000, f), "flags " + f);
        }
    }

    @Test
    void namespaceCreationIsRefusedButPlainCloneWorks() {
        assertEquals(SeccompAction.errno(1), run(READS_IN_KERNEL, X86_64, UNSHARE, 0x10000000 /* NEWUSER */));
        assertEquals(SeccompAction.ALLOW, run(READS_IN_KERNEL, X86_64, UNSHARE, 0x200 /* CLONE_FS */));
        assertEquals(SeccompAction.errno(1), run(READS_IN_KERNEL, X86_64, CLONE, 0x40000000L | 17 /* NEWNET|SIGCHLD */));
        assertEquals(SeccompAction.ALLOW, run(READS_IN_KERNEL, X86_64, CLONE, 0x01200011 /* fork-like */));
        assertEquals(SeccompAction.errno(38), run(READS_IN_KERNEL, X86_64, CLONE3));
        assertEquals(SeccompAction.errno(1), run(READS_IN_KERNEL, X86_64, SETNS));
    }

    @Property(tries = 300)
    void unlistedSyscallsAreAllowed(@ForAll @IntRange(min = 0, max = 460) int nr) {
        var spec = SyscallSets.sessionFilter(SyscallSets.DEFAULT_BLOCKED, false);
        if (spec.notified().contains(nr) || spec.blocked().containsKey(nr) || nr == CLONE || nr == CLONE3) return;
        assertEquals(SeccompAction.ALLOW, run(READS_IN_KERNEL, X86_64, nr));
    }

    @Test
    void unknownBlockListNamesAreAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> SyscallSets.blocked(List.of("ptrace", "nosuchcall")));
        assertTrue(e.getMessage().contains("nosuchcall"));
    }

    @Test
    void wireFormatIsEightBytesPerInstruction() {
        byte[] b = READS_IN_KERNEL.toBytes();
        assertEquals(READS_IN_KERNEL.size() * 8, b.length);
        assertEquals(0x20, b[0]);      // ld [4] (arch)
        assertEquals(4, b[4]);
    }
}
