package io.agentsh.core.kernel.supervisor;

import static io.agentsh.core.kernel.sys.Ptrace.*;

import io.agentsh.core.kernel.bpf.SeccompAction;
import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.Ptrace;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The ptrace backend: serves one governed command's tree where seccomp user notification is not
 * available. One platform thread per tree is the tracer (ptrace binds tracees to the thread that
 * attached them): the arming thread itself PTRACE_SEIZEs the command before it execs (the wrapper
 * waits for ARMD, so nothing runs untraced), then serves the tree; it follows every fork, vfork
 * and clone, and is stopped only by the
 * SECCOMP_RET_TRACE prefilter the wrapper installed itself: the same syscalls the seccomp backend
 * is notified of. Each seccomp-stop is read with PTRACE_GET_SYSCALL_INFO and decided by the same
 * {@link SyscallHandlers} as the seccomp backend; denials skip the syscall with -errno.
 *
 * <p>Fails closed: a stop it cannot read is skipped with EACCES; if registers cannot be written
 * the tracee is killed and the audit event says so; if the tracer thread ends, PTRACE_O_EXITKILL
 * kills every tracee; if the loop fails, every tracee is killed before the (reused) thread is
 * released. wait4 runs with __WNOTHREAD, so it never reaps a child of another JVM thread.
 */
public final class PtraceSupervisor extends ServedTree {
    /**
     * No O_TRACEEXIT: an exit-stop would cost every exiting task a stop and a tracer round trip
     * for nothing (a dying task makes no syscall left to decide; its end is seen in wait4 as
     * before). O_TRACEEXEC: its stop names the former tid of a non-leader thread that exec'd;
     * it is turned off, per exec, for a leader's exec, which leaves no former tid (see onSeccomp).
     */
    static final long OPTIONS = O_TRACESECCOMP | O_TRACECLONE | O_TRACEFORK | O_TRACEVFORK | O_TRACEEXEC
            | O_EXITKILL | O_TRACESYSGOOD;
    /** For an exec by a thread-group leader: no exec-stop. */
    static final long OPTIONS_LEADER_EXEC = OPTIONS & ~O_TRACEEXEC;
    private static final int SIGTRAP = 5, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;
    private static final int SYS_TKILL = SyscallNumbers.TKILL;

    private final String sessionId;
    private final KernelPolicy policy;
    private final EnforcementEvents events;
    private final SupervisorOptions options;
    private final int rootPid;
    /** The thread that seized the root: the only one that may make ptrace requests for this tree. */
    private Thread tracer;
    private final Ptrace pt = new Ptrace();
    private long rootFd = -1;
    private final ExecutorService slowPath;
    private final LinkedBlockingQueue<PtraceResponder.Answer> mailbox = new LinkedBlockingQueue<>();
    /** Tracer-thread state. */
    private final Set<Integer> known = new HashSet<>();
    private final Set<Integer> listening = new HashSet<>();
    private final Map<Integer, String> verifying = new HashMap<>();
    private int awaitingAnswers;

    private PtraceSupervisor(String sessionId, KernelPolicy policy, EnforcementEvents events, SupervisorOptions options,
                             int rootPid) {
        this.sessionId = sessionId;
        this.policy = policy;
        this.events = events;
        this.options = options;
        this.rootPid = rootPid;
        this.slowPath = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("agentsh-ptrace-slow-", 0).factory());
    }

    /**
     * Seizes {@code rootPid} (the wrapper's process that will exec the command; it must be waiting
     * for ARMD) from the calling thread, which thereby becomes the tree's tracer: that same thread
     * must then either {@link #serve()} the tree or {@link #abandon()} it. Seizing on the arming
     * thread itself, instead of handing the seize to a thread of its own and waiting for it, takes
     * a thread start (or wake-up) and two cross-CPU hand-offs off every command's critical path.
     *
     * @throws IOException when the root cannot be traced (nothing is left attached then)
     */
    public static PtraceSupervisor seize(String sessionId, KernelPolicy policy, EnforcementEvents events,
                                         SupervisorOptions options, int rootPid) throws IOException {
        PtraceSupervisor s = new PtraceSupervisor(sessionId, policy, events, options, rootPid);
        s.tracer = Thread.currentThread();
        long r = s.pt.seize(rootPid, OPTIONS);
        if (r < 0) {
            s.finish();
            throw new IOException("PTRACE_SEIZE of " + rootPid + " failed: errno " + (-r));
        }
        s.known.add(rootPid);
        s.rootFd = new FsCalls().openat(FsCalls.AT_FDCWD, "/proc/" + rootPid + "/root",
                FsCalls.O_PATH | FsCalls.O_DIRECTORY | FsCalls.O_CLOEXEC, 0);
        if (s.rootFd < 0) {
            long err = -s.rootFd;
            s.abandon();
            throw new IOException("cannot open the tracee's root: errno " + err);
        }
        return s;
    }

    /** Ends the tree: every tracee is killed (the tracer then sees them go and finishes). */
    @Override
    public void stop() {
        LinuxSyscalls.call(SyscallNumbers.KILL, rootPid, 9, 0);
    }

    @Override
    public void close() {
        stop();
        if (Thread.currentThread() == tracer) return; // the tracer's own caller: serve()/abandon() end it
        awaitServed();
    }

    /**
     * Serves the seized tree until no tracee is left; must run on the thread that called
     * {@link #seize}. The thread carries the supervisor loop's name meanwhile (that is how
     * {@link SlowPath} keeps blocking decisions off it).
     */
    public void serve() {
        requireTracer();
        Thread t = Thread.currentThread();
        String name = t.getName();
        t.setName(Supervisor.LOOP_THREAD_PREFIX + "ptrace-" + rootPid);
        boolean clean = false;
        try {
            PtraceResponder own = new PtraceResponder(null);
            SupervisorContext ctx = new SupervisorContext(sessionId, policy, events, (int) rootFd, options,
                    () -> new PtraceResponder(mailbox::add), slowPath);
            ProcessTree tree = new ProcessTree(rootPid);
            SyscallHandlers handlers = SyscallHandlers.create(ctx, own, tree);
            loop(ctx, tree, handlers, own);
            clean = true;
        } catch (RuntimeException e) {
            events.failure(sessionId, rootPid, "ptrace", "ptrace supervisor stopped: " + e.getMessage());
        } finally {
            // A tracer thread is reused: nothing may stay attached to it (a loop that ended on
            // ECHILD has nothing left; after an error every remaining tracee is killed).
            if (!clean) killAllAndDrain();
            t.setName(name);
            finish();
        }
    }

    /** Arming failed after the seize: the command never ran; kill it and release it from this thread. */
    public void abandon() {
        requireTracer();
        if (done.isDone()) return;
        try {
            killAllAndDrain();
        } finally {
            finish();
        }
    }

    private void requireTracer() {
        if (Thread.currentThread() != tracer) throw new IllegalStateException("ptrace requests must come from the tracer thread");
    }

    private void finish() {
        if (rootFd >= 0) LinuxSyscalls.close((int) rootFd);
        rootFd = -1;
        slowPath.shutdown();
        done.complete(null);
    }

    /**
     * Kills every task this thread traces and waits until none is left. Each task that reports
     * (including a child attached while its parent was dying) is killed before it is resumed, so
     * no syscall of the tree runs undecided.
     */
    private void killAllAndDrain() {
        for (int tid : known) LinuxSyscalls.call(SYS_TKILL, tid, 9, 0);
        LinuxSyscalls.call(SyscallNumbers.KILL, rootPid, 9, 0);
        while (true) {
            long pid = pt.waitAny(0);
            if (pid == -Errno.EINTR) continue;
            if (pid <= 0) return;
            if (Ptrace.stopped(pt.lastStatus())) {
                LinuxSyscalls.call(SYS_TKILL, (int) pid, 9, 0);
                pt.cont((int) pid, 0);
            }
        }
    }

    private void loop(SupervisorContext ctx, ProcessTree tree, SyscallHandlers handlers, PtraceResponder own) {
        FsCalls fs = new FsCalls();
        PtraceStop call = new PtraceStop();
        while (true) {
            for (PtraceResponder.Answer a; (a = mailbox.poll()) != null; ) {
                awaitingAnswers--;
                apply(a);
            }
            long pid = pt.waitAny(awaitingAnswers > 0 ? WNOHANG : 0);
            if (pid == 0) {
                // Answers from workers are outstanding: wait for one briefly, then look again.
                try {
                    PtraceResponder.Answer a = mailbox.poll(1, TimeUnit.MILLISECONDS);
                    if (a != null) mailbox.add(a);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                continue;
            }
            if (pid == -Errno.EINTR) continue;
            if (pid < 0) return; // ECHILD: no tracee left
            onEvent(fs, ctx, tree, handlers, own, call, (int) pid, pt.lastStatus());
        }
    }

    private void onEvent(FsCalls fs, SupervisorContext ctx, ProcessTree tree, SyscallHandlers handlers,
                         PtraceResponder own, PtraceStop call, int tid, int st) {
        if (!Ptrace.stopped(st)) {
            // Exited or killed: unlinked from us (its real parent reaps it).
            known.remove(tid);
            listening.remove(tid);
            verifying.remove(tid);
            return;
        }
        int sig = Ptrace.stopSignal(st), ev = Ptrace.event(st);
        if (sig == SIGTRAP && ev == EVENT_SECCOMP) {
            onSeccomp(ctx, tree, handlers, own, call, tid);
        } else if (sig == (SIGTRAP | 0x80)) {
            onSyscallExit(fs, ctx, tid);
        } else if (ev == EVENT_STOP) {
            if (known.add(tid)) resume(tid, 0);              // a new task's first stop (auto-attach)
            else if (listening.remove(tid)) resume(tid, 0);  // SIGCONT ended its group-stop
            else if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
                listening.add(tid);                              // job control: stays stopped
                if (pt.listen(tid) < 0) listening.remove(tid);
            } else resume(tid, 0);
        } else if (sig == SIGTRAP && ev != 0) {
            if (ev == EVENT_EXEC) {
                long former = pt.eventMessage(tid);
                if (former > 0 && former != tid) { known.remove((int) former); verifying.remove((int) former); }
            }
            resume(tid, 0); // fork/vfork/clone/exec/exit events: the new tasks report on their own
        } else {
            resume(tid, sig); // signal-delivery-stop: deliver it as sent
        }
    }

    private void onSeccomp(SupervisorContext ctx, ProcessTree tree, SyscallHandlers handlers,
                           PtraceResponder own, PtraceStop call, int tid) {
        handled.incrementAndGet();
        int op = pt.syscallInfo(tid);
        if (op == -Errno.ESRCH) return; // killed meanwhile
        if (op != INFO_SECCOMP || pt.infoArch() != SeccompAction.AUDIT_ARCH_X86_64) {
            events.failure(sessionId, tid, "ptrace", "syscall at a seccomp stop unreadable (op " + op + "): denied");
            own.reset();
            own.respondError(tid, Errno.EACCES);
            apply(own.answer(tid));
            return;
        }
        call.set(tid, (int) pt.infoNr(), pt.infoArg(0), pt.infoArg(1), pt.infoArg(2), pt.infoArg(3), pt.infoArg(4), pt.infoArg(5));
        own.reset();
        try {
            handlers.dispatch(call);
        } catch (RuntimeException e) {
            if (e == SlowPath.PENDING) {
                if (isExec(call.nr())) pt.setOptions(tid, OPTIONS); // decided later: keep the exec-stop
                offload(ctx, tree, call.copy());
                awaitingAnswers++;
                return;
            }
            own.reset();
            own.respondError(tid, Errno.EACCES);
            events.failure(sessionId, tid, SyscallNumbers.name(call.nr()), "supervisor error: " + e);
        }
        if (own.kind() == PtraceResponder.NONE) { // a worker answers (emulation off the tracer thread)
            if (isExec(call.nr())) pt.setOptions(tid, OPTIONS);
            awaitingAnswers++;
            return;
        }
        if (own.kind() == PtraceResponder.CONTINUE && isExec(call.nr())) {
            // The exec-stop only serves to learn a vanished former tid, which exists only when a
            // non-leader thread execs (it takes over the leader's tid). An exec by the leader
            // itself (tid == tgid, read from /proc by the exec decision; 0 when unread) keeps
            // its tid: skip its exec-stop. Options are per task and inherited at fork, so every
            // exec sets them here, at its own seccomp-stop (execve/execveat always stop).
            pt.setOptions(tid, handlers.lastTgid() == tid ? OPTIONS_LEADER_EXEC : OPTIONS);
        }
        apply(own.answer(tid));
    }

    private static boolean isExec(int nr) {
        return nr == SyscallNumbers.EXECVE || nr == SyscallNumbers.EXECVEAT;
    }

    /** The open ran; its fd must name the object that was checked, else the path changed under us. */
    private void onSyscallExit(FsCalls fs, SupervisorContext ctx, int tid) {
        String expected = verifying.remove(tid);
        if (expected != null && pt.syscallInfo(tid) == INFO_EXIT && !pt.infoIsError()) {
            long fd = pt.infoRval();
            if (fd >= 0 && !sameObject(fs, ctx.rootFd(), tid, (int) fd, expected)) {
                // The kernel opened something else than what was checked (another thread rewrote
                // the path, or a component was swapped): the descriptor must not be used.
                events.failure(sessionId, tid, "open", "opened object is not the checked " + expected
                        + " (path changed during the call): process killed");
                LinuxSyscalls.call(SYS_TKILL, tid, 9, 0);
            }
        }
        resume(tid, 0);
    }

    private static boolean sameObject(FsCalls fs, int rootFd, int tid, int fd, String expected) {
        long[] got = new long[2], want = new long[2];
        if (fs.statDevIno(FsCalls.AT_FDCWD, "/proc/" + tid + "/fd/" + fd, 0, got) < 0) return false;
        String rel = ResolvedPath.relative(expected);
        if (fs.statDevIno(rootFd, rel, 0, want) == 0 && got[0] == want[0] && got[1] == want[1]) return true;
        return fs.statDevIno(rootFd, rel, FsCalls.AT_SYMLINK_NOFOLLOW, want) == 0 && got[0] == want[0] && got[1] == want[1];
    }

    private void apply(PtraceResponder.Answer a) {
        int tid = a.tid();
        switch (a.kind()) {
            case PtraceResponder.CONTINUE -> resume(tid, 0);
            case PtraceResponder.VERIFY -> {
                long w = pt.setArg(tid, a.flagsArg(), a.flags());
                if (w >= 0 && a.nr() == SyscallNumbers.OPEN) w = pt.setSyscallNr(tid, a.nr()); // creat -> open
                if (w < 0) {
                    refuseUnwritable(tid, w);
                    return;
                }
                if (a.expected() == null) { resume(tid, 0); return; }
                verifying.put(tid, a.expected());
                if (pt.syscall(tid, 0) < 0) verifying.remove(tid);
            }
            default -> {
                long r = pt.skipWith(tid, a.value());
                if (r < 0) {
                    refuseUnwritable(tid, r);
                    return;
                }
                resume(tid, 0);
            }
        }
    }

    /** Registers could not be written: the only way left to refuse is to end the process, and say so. */
    private void refuseUnwritable(int tid, long errno) {
        if (errno == -Errno.ESRCH) return; // gone (SIGKILL): nothing left to answer
        events.failure(sessionId, tid, "ptrace", "registers could not be written (errno " + (-errno)
                + ") to refuse or rewrite the syscall: process killed");
        LinuxSyscalls.call(SYS_TKILL, tid, 9, 0);
        resume(tid, 0);
    }

    private void resume(int tid, int sig) {
        pt.cont(tid, sig); // ESRCH: killed meanwhile, nothing to do
    }

    /** A decision that may block (approval) runs on a worker; its answer comes back by the mailbox. */
    private void offload(SupervisorContext ctx, ProcessTree tree, PtraceStop call) {
        slowPath.execute(() -> {
            SlowPath.allowBlockingOnThisThread();
            PtraceResponder viaMailbox = new PtraceResponder(mailbox::add);
            try {
                SyscallHandlers.create(ctx, viaMailbox, tree).dispatch(call);
            } catch (RuntimeException e) {
                viaMailbox.respondError(call.id(), Errno.EACCES);
                events.failure(sessionId, call.pid(), SyscallNumbers.name(call.nr()), "supervisor error: " + e);
            }
        });
    }
}
