package io.agentsh.core.kernel.supervisor;

import java.util.List;

/**
 * What the supervisor needs from the policy engine (interfaces.md section 1): one question per
 * trapped operation, answered from the session's compiled, immutable Engine. The adapter
 * ({@code EngineKernelPolicy}) turns the engine's effective decision into allow/deny, so the
 * supervisor never sees approve/redirect and cannot fail open on an unknown decision.
 *
 * <p>Paths are absolute, normalised and symlink-free: exactly the object the kernel will touch.
 */
public interface KernelPolicy {

    KernelVerdict checkFile(String path, FileAccess op);

    /** {@code argv} includes argv[0]; depth 0 is the command the wrapper execs. */
    KernelVerdict checkExecve(String filename, List<String> argv, int depth);

    /**
     * A signal from a governed process ({@code senderPid}, a tgid) to {@code targetPid} (negative:
     * a process group). {@code targetInTree} says whether the target is in the session's own tree.
     * Default: signals stay inside the tree.
     */
    default KernelVerdict checkSignal(int signal, int senderPid, int targetPid, boolean targetInTree) {
        return targetInTree ? KernelVerdict.ALLOW
                : KernelVerdict.deny("signal-outside-session", "signal " + signal + " to pid " + targetPid + " outside the session");
    }

    /**
     * A unix-socket address a governed process connects or binds to: a resolved path, or
     * {@code @name} for the abstract namespace ({@code @} alone: unnamed/autobind).
     */
    default KernelVerdict checkUnixSocket(String path, UnixAccess op) {
        return KernelVerdict.ALLOW;
    }

    /**
     * The {@code connect_redirects} rule for a TCP connect to {@code ip:port} (the address as
     * dialled, e.g. "10.0.0.5" or "fd00::1"), or null.
     */
    default KernelRedirect connectRedirect(String ip, int port) {
        return null;
    }

    /** Whether the policy has connect redirects (connect must then be trapped). */
    default boolean governsConnectRedirects() {
        return false;
    }

    /** Whether connect/bind must be trapped at all (the policy has unix-socket rules). */
    default boolean governsUnixSockets() {
        return false;
    }

    /**
     * Whether a read-only open could ever be denied by this policy. When false, read-only
     * open/openat never leave the kernel (BPF answers them). Default: assume it could.
     */
    default boolean readsCanBeDenied() {
        return true;
    }
}
