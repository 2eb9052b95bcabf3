package io.agentsh.core.kernel.supervisor;

import io.agentsh.policy.Decision;
import io.agentsh.policy.Engine;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.SignalTarget;
import io.agentsh.policy.SignalVerdict;
import io.agentsh.policy.UnixSocketOperation;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The session's compiled {@link Engine} as the supervisor's {@link KernelPolicy}. Only the
 * effective decision counts: allow, audit and soft_delete let the operation run; approve waits
 * for the {@link ApprovalGate} (none: deny); redirect, absorb (for files and execs) and anything
 * unknown deny. Never fails open.
 */
public final class EngineKernelPolicy implements KernelPolicy {

    /** Asks a human; blocks until answered or timed out. True = approved. */
    @FunctionalInterface
    public interface ApprovalGate {
        boolean approve(Verdict verdict, String kind, String subject);
    }

    private static final FileOperation[] OPS = new FileOperation[FileAccess.values().length];

    static {
        for (FileAccess a : FileAccess.values()) OPS[a.ordinal()] = FileOperation.valueOf(a.name());
    }

    private final Engine engine;
    private final ApprovalGate approvals;

    public EngineKernelPolicy(Engine engine, ApprovalGate approvals) {
        this.engine = engine;
        this.approvals = approvals;
    }

    public EngineKernelPolicy(Engine engine) {
        this(engine, null);
    }

    @Override
    public KernelVerdict checkFile(String path, FileAccess op) {
        return map(engine.checkFile(path, OPS[op.ordinal()]), "file", path);
    }

    @Override
    public KernelVerdict checkExecve(String filename, List<String> argv, int depth) {
        return map(engine.checkExecve(filename, argv, depth), "command", filename);
    }

    private KernelVerdict map(Verdict v, String kind, String subject) {
        if (v == null) return KernelVerdict.deny("", "no verdict");
        if (v.isAllowed() && (v.policyDecision() == Decision.SOFT_DELETE || v.effectiveDecision() == Decision.SOFT_DELETE))
            return KernelVerdict.softDelete(v.rule());
        if (v.isAllowed()) return KernelVerdict.allow(v.rule());
        if (v.needsApproval() && approvals != null) {
            if (!SlowPath.blockingAllowed()) throw SlowPath.PENDING; // re-asked on a worker thread
            if (approvals.approve(v, kind, subject)) return KernelVerdict.allow(v.rule());
        }
        return KernelVerdict.deny(v.rule(), v.message());
    }

    @Override
    public KernelVerdict checkUnixSocket(String path, UnixAccess op) {
        return map(engine.checkUnixSocket(path, UnixSocketOperation.valueOf(op.name())), "unix_socket", path);
    }

    @Override
    public KernelRedirect connectRedirect(String ip, int port) {
        return engine.connectRedirect(ip, port).map(r -> {
            boolean fallsBack = r.onFailure() != null && !"fail_closed".equals(r.onFailure());
            boolean silent = "silent".equals(r.visibility());
            if (r.redirectToUnix() != null && !r.redirectToUnix().isBlank()) {
                return new KernelRedirect(r.name(), null, 0, r.redirectToUnix(), fallsBack, silent, r.message());
            }
            String to = r.redirectTo() == null ? "" : r.redirectTo().strip();
            int colon = to.lastIndexOf(':');
            if (colon <= 0) return null;
            String host = to.substring(0, colon).replace("[", "").replace("]", "");
            int p;
            try {
                p = Integer.parseInt(to.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            return new KernelRedirect(r.name(), host, p, null, fallsBack, silent, r.message());
        }).orElse(null);
    }

    @Override
    public boolean governsConnectRedirects() {
        return !engine.policy().connectRedirects().isEmpty();
    }

    @Override
    public boolean governsUnixSockets() {
        return !engine.policy().unixSocketRules().isEmpty();
    }

    @Override
    public KernelVerdict checkSignal(int signal, int senderPid, int targetPid, boolean targetInTree) {
        int pid = Math.abs(targetPid);
        int[] target = stat(pid);
        int[] sender = stat(senderPid);
        boolean self = pid == senderPid;
        boolean child = target != null && target[0] == senderPid;
        boolean parent = sender != null && sender[0] == pid;
        boolean sibling = target != null && sender != null && target[0] == sender[0] && !self;
        boolean descendant = child || (targetInTree && isDescendant(pid, senderPid));
        boolean sameUser = target != null && sender != null && target[1] == sender[1];
        SignalTarget t = new SignalTarget(pid, comm(pid), self, child, descendant, sibling, targetInTree, parent, sameUser);
        SignalVerdict v = engine.checkSignal(signal, t);
        if (v == null) return KernelVerdict.deny("", "no verdict");
        Decision d = v.decision();
        if (d == Decision.ALLOW || d == Decision.AUDIT) return KernelVerdict.allow(v.rule());
        if (d == Decision.ABSORB) return KernelVerdict.absorb(v.rule());
        return KernelVerdict.deny(v.rule(), v.message());
    }

    private static boolean isDescendant(int pid, int ancestor) {
        int p = pid;
        for (int i = 0; i < 4096 && p > 1; i++) {
            int[] s = stat(p);
            if (s == null) return false;
            if (s[0] == ancestor) return true;
            p = s[0];
        }
        return false;
    }

    /** {ppid, uid} or null. */
    private static int[] stat(int pid) {
        try {
            int ppid = -1, uid = -1;
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("PPid:")) ppid = Integer.parseInt(l.substring(5).trim());
                else if (l.startsWith("Uid:")) uid = Integer.parseInt(l.substring(4).trim().split("\\s+")[0]);
            }
            return new int[] {ppid, uid};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
