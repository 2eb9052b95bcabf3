package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.seccomp.SeccompListener;
import io.agentsh.core.kernel.seccomp.SeccompNotification;
import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves one seccomp listener: the whole process tree of one governed command (children
 * inherit the filter, so one listener covers the tree). One platform thread blocks in poll(2)
 * and SECCOMP_IOCTL_NOTIF_RECV and answers each notification; the loop ends when every task
 * using the filter has exited (POLLHUP) or on {@link #stop}.
 *
 * <p>Fails closed: a notification it cannot understand is answered with an error, never with
 * CONTINUE; if the supervisor dies the kernel fails every trapped syscall with ENOSYS.
 */
public final class Supervisor extends ServedTree {
    static final String LOOP_THREAD_PREFIX = "agentsh-supervisor-loop-";
    /** A/B switch for benchmarks (-Dagentsh.seccomp.sync_wakeups=false): the old cross-CPU hand-off. */
    private static final boolean SYNC_WAKEUPS = !"false".equals(System.getProperty("agentsh.seccomp.sync_wakeups"));
    private final String sessionId;
    private final KernelPolicy policy;
    private final EnforcementEvents events;
    private final SupervisorOptions options;
    private final SeccompListener listener;
    private final int rootPid;
    private final ExecutorService slowPath;
    private volatile boolean stopping;

    private Supervisor(String sessionId, KernelPolicy policy, EnforcementEvents events, SupervisorOptions options,
                       int listenerFd, int rootPid) {
        this.sessionId = sessionId;
        this.policy = policy;
        this.events = events;
        this.options = options;
        this.listener = new SeccompListener(listenerFd);
        if (SYNC_WAKEUPS) listener.requestSyncWakeups();
        this.rootPid = rootPid;
        this.slowPath = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("agentsh-supervisor-slow-", 0).factory());
    }

    /**
     * Starts serving {@code listenerFd} (ownership passes to the supervisor) for the tree rooted
     * at {@code rootPid} (the wrapper, which becomes the command).
     */
    public static Supervisor start(String sessionId, KernelPolicy policy, EnforcementEvents events,
                                   SupervisorOptions options, int listenerFd, int rootPid) {
        Supervisor s = new Supervisor(sessionId, policy, events, options, listenerFd, rootPid);
        ReusedThreads.start(LOOP_THREAD_PREFIX + rootPid, s::run);
        return s;
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public void close() {
        stop();
        awaitServed();
    }

    private void run() {
        long rootFd = -1;
        try {
            rootFd = new FsCalls().openat(FsCalls.AT_FDCWD, "/proc/" + rootPid + "/root", FsCalls.O_PATH | FsCalls.O_DIRECTORY | FsCalls.O_CLOEXEC, 0);
            if (rootFd < 0) throw new IllegalStateException("cannot open the tracee's root: errno " + (-rootFd));
            SupervisorContext ctx = new SupervisorContext(sessionId, policy, events, (int) rootFd, options, listener::sibling, slowPath);
            ProcessTree tree = new ProcessTree(rootPid);
            loop(ctx, tree, SyscallHandlers.create(ctx, listener, tree));
        } catch (RuntimeException e) {
            events.failure(sessionId, rootPid, "supervisor", "supervisor stopped: " + e.getMessage());
        } finally {
            listener.close();
            if (rootFd >= 0) LinuxSyscalls.close((int) rootFd);
            slowPath.shutdown();
            done.complete(null);
        }
    }

    private void loop(SupervisorContext ctx, ProcessTree tree, SyscallHandlers h) {
        while (!stopping) {
            SeccompListener.Wait w = listener.await(200);
            if (w == SeccompListener.Wait.GONE) return;
            if (w == SeccompListener.Wait.TIMEOUT) continue;
            SeccompNotification n = listener.receive();
            if (n == null) continue;
            handled.incrementAndGet();
            try {
                h.dispatch(n);
            } catch (RuntimeException e) {
                if (e == SlowPath.PENDING) {
                    offload(ctx, tree, n.copy());
                    continue;
                }
                // Never leave a tracee hanging and never let it through on an internal error.
                listener.respondError(n.id(), Errno.EACCES);
                events.failure(sessionId, n.pid(), SyscallNumbers.name(n.nr()), "supervisor error: " + e);
            }
        }
    }

    /** Handles one notification on a worker thread where the policy may block (approvals). */
    private void offload(SupervisorContext ctx, ProcessTree tree, SeccompNotification n) {
        slowPath.execute(() -> {
            SlowPath.allowBlockingOnThisThread();
            SeccompListener own = listener.sibling();
            try {
                SyscallHandlers.create(ctx, own, tree).dispatch(n);
            } catch (RuntimeException e) {
                own.respondError(n.id(), Errno.EACCES);
                events.failure(sessionId, n.pid(), SyscallNumbers.name(n.nr()), "supervisor error: " + e);
            }
        });
    }
}
