package io.agentsh.core.kernel.supervisor;

import static io.agentsh.core.kernel.sys.SyscallNumbers.*;

import io.agentsh.core.kernel.sys.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo and pidfd_send_signal. The target and
 * signal are register arguments, so CONTINUE after the check is not subject to a memory race
 * (pid reuse between check and delivery is the remaining window; pidfd_send_signal has none).
 */
final class SignalHandler {
    private final SupervisorContext ctx;
    private final CallResponder listener;
    private final ProcessTree tree;

    SignalHandler(SupervisorContext ctx, CallResponder listener, ProcessTree tree) {
        this.ctx = ctx;
        this.listener = listener;
        this.tree = tree;
    }

    static boolean handles(int nr) {
        return nr == KILL || nr == TKILL || nr == TGKILL || nr == RT_SIGQUEUEINFO || nr == RT_TGSIGQUEUEINFO
                || nr == PIDFD_SEND_SIGNAL;
    }

    void handle(TrappedCall n, TraceeInfo t) {
        int nr = n.nr();
        int target;
        int sig;
        boolean group = false;
        switch (nr) {
            case KILL -> { target = n.intArg(0); sig = n.intArg(1); }
            case TKILL -> { target = n.intArg(0); sig = n.intArg(1); }
            case TGKILL, RT_TGSIGQUEUEINFO -> { target = n.intArg(0); sig = n.intArg(2); }
            case RT_SIGQUEUEINFO -> { target = n.intArg(0); sig = n.intArg(1); }
            case PIDFD_SEND_SIGNAL -> { target = pidOfPidfd(t.tid(), n.intArg(0)); sig = n.intArg(1); }
            default -> { listener.respondError(n.id(), Errno.ENOSYS); return; }
        }
        if (sig == 0) {
            // Signal 0 only probes for existence; it delivers nothing.
            listener.respondContinue(n.id());
            return;
        }
        boolean inTree;
        if (t.inOwnPidNamespace()) {
            // A command in a PID namespace of its own names pids of that namespace, which holds
            // only the session's processes: whatever it can reach is in the tree (pid 1 included,
            // which the kernel protects from signals it does not handle).
            inTree = true;
            if (nr == KILL && target < -1) group = true;
            if (group) target = -target;
        } else if (nr == KILL && target == 0) {
            inTree = true; // the caller's own process group, inside the session the wrapper created
        } else if (nr == KILL && target == -1) {
            inTree = false; // every process the caller may signal
        } else if (nr == KILL && target < -1) {
            group = true;
            target = -target;
            inTree = tree.contains(target);
        } else {
            inTree = target > 0 && tree.contains(target);
        }
        KernelVerdict v = ctx.policy().checkSignal(sig, t.tgid(), group ? -target : target, inTree);
        if (!listener.idValid(n.id())) return;
        if (v.allowed()) listener.respondContinue(n.id());
        else if (v.absorb()) listener.respondValue(n.id(), 0);
        else listener.respondError(n.id(), Errno.EPERM);
        if (!v.allowed() || ctx.logAllowed()) ctx.events().signal(ctx.sessionId(), t.tid(), name(nr), sig, group ? -target : target, v);
    }

    /** The pid a pidfd in the tracee refers to (/proc/TID/fdinfo/N "Pid:"), or -1. */
    private static int pidOfPidfd(int tid, int fd) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + tid + "/fdinfo/" + fd))) {
                if (l.startsWith("Pid:")) return Integer.parseInt(l.substring(4).trim());
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
