package io.agentsh.core.kernel.supervisor;

import java.util.List;

/**
 * Where the supervisor reports what it decided; the daemon wires this to the audit store.
 * Called on the supervisor thread after the tracee has been answered, so an implementation
 * must not block for long (queue and return).
 */
public interface EnforcementEvents {

    /** A trapped file operation: {@code path2} is the second path of rename/link, else null. */
    void file(String sessionId, int pid, String syscall, FileAccess op, String path, String path2,
              KernelVerdict verdict);

    void exec(String sessionId, int pid, String filename, List<String> argv, int depth, KernelVerdict verdict);

    void signal(String sessionId, int pid, String syscall, int signal, int targetPid, KernelVerdict verdict);

    /** A unix-socket connect/bind ({@code path} resolved, or {@code @name} for abstract sockets). */
    default void unixSocket(String sessionId, int pid, String syscall, UnixAccess op, String path, KernelVerdict verdict) {}

    /**
     * A TCP connect sent elsewhere by a connect_redirects rule: {@code original} "ip:port",
     * {@code error} null when the redirected connect was issued, else why it was not (then
     * {@code fellBack} says whether the original address was connected instead).
     */
    default void connectRedirect(String sessionId, int pid, String original, KernelRedirect redirect, String error,
                                 boolean fellBack) {}

    /** A syscall the supervisor could not govern (unreadable memory, unknown state): it was denied. */
    void failure(String sessionId, int pid, String syscall, String reason);

    /** Discards everything (tests, probes). */
    EnforcementEvents NONE = new EnforcementEvents() {
        @Override public void file(String s, int p, String sc, FileAccess o, String a, String b, KernelVerdict v) {}
        @Override public void exec(String s, int p, String f, List<String> a, int d, KernelVerdict v) {}
        @Override public void signal(String s, int p, String sc, int sig, int t, KernelVerdict v) {}
        @Override public void failure(String s, int p, String sc, String r) {}
    };
}
