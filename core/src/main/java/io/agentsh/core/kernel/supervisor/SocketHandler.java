package io.agentsh.core.kernel.supervisor;

import static io.agentsh.core.kernel.sys.SyscallNumbers.BIND;
import static io.agentsh.core.kernel.sys.SyscallNumbers.CONNECT;

import io.agentsh.core.kernel.sys.Errno;
import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.ProcessMemory;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * connect/bind, trapped only when the policy has unix-socket rules or connect redirects. AF_UNIX addresses are
 * resolved (relative to the tracee's cwd, symlinks followed for connect) and judged by
 * {@code checkUnixSocket}; abstract names as {@code @name}.
 *
 * <p>These are not emulated (a connect made by the supervisor would carry the daemon's
 * credentials in SO_PEERCRED), so an allowed call CONTINUEs, which is race-free only when no
 * other task can rewrite the address: checked with {@link ExecMemoryGuard}. An AF_UNIX address
 * in memory another task can write is refused; a non-unix address there is emulated on a copy
 * (pidfd_getfd + connect/bind on the supervisor's duplicate of the socket) so it cannot be
 * swapped for a unix one after the check.
 */
final class SocketHandler {
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int MAX_ADDR = 128;
    private final SupervisorContext ctx;
    private final CallResponder listener;
    private final ProcessMemory memory;
    private final TraceeResolver resolver;
    private final ExecMemoryGuard guard = new ExecMemoryGuard();
    private final byte[] addr = new byte[MAX_ADDR];

    SocketHandler(SupervisorContext ctx, CallResponder listener, ProcessMemory memory, TraceeResolver resolver) {
        this.ctx = ctx;
        this.listener = listener;
        this.memory = memory;
        this.resolver = resolver;
    }

    static boolean handles(int nr) {
        return nr == CONNECT || nr == BIND;
    }

    void handle(TrappedCall n, TraceeInfo t) {
        int sockfd = n.intArg(0);
        long addrPtr = n.arg(1);
        int len = n.intArg(2);
        if (len < 2 || len > MAX_ADDR || addrPtr == 0) {
            // The kernel rejects these without reading a usable address; nothing to race.
            listener.respondContinue(n.id());
            return;
        }
        int got = memory.read(t.tid(), addrPtr, len);
        if (got < len) {
            listener.respondError(n.id(), Errno.EFAULT);
            return;
        }
        memory.copyLast(addr, len);
        int family = (addr[0] & 0xff) | (addr[1] & 0xff) << 8;
        // Trapped only for connect redirects: unix sockets are not the policy's business then (with
        // no unix_socket_rules the engine's default would deny them all), and the address is not
        // acted on, so a racing rewrite gains nothing.
        boolean unixGoverned = ctx.policy().governsUnixSockets();
        if (family == AF_UNIX && !unixGoverned || family != AF_UNIX && !unixGoverned && n.nr() == BIND) {
            if (listener.idValid(n.id())) listener.respondContinue(n.id());
            return;
        }
        boolean safe = guard.check(t, List.of(addrPtr)) == null;
        UnixAccess op = n.nr() == CONNECT ? UnixAccess.CONNECT : UnixAccess.BIND;
        String syscall = SyscallNumbers.name(n.nr());
        if (family != AF_UNIX) {
            if (n.nr() == CONNECT && (family == AF_INET || family == AF_INET6) && ctx.policy().governsConnectRedirects()) {
                java.net.InetSocketAddress dst = inet(family, len);
                KernelRedirect r = dst == null ? null
                        : ctx.policy().connectRedirect(dst.getAddress().getHostAddress(), dst.getPort());
                if (r != null) {
                    if (!listener.idValid(n.id())) return;
                    redirect(n.id(), t, sockfd, family, len, dst, r);
                    return;
                }
            }
            if (!listener.idValid(n.id())) return;
            if (safe) listener.respondContinue(n.id());
            else emulateOnCopy(n.id(), t.tgid(), sockfd, len, n.nr());
            return;
        }
        String path = unixPath(t, len, op);
        if (path == null) {
            listener.respondError(n.id(), Errno.ENOENT);
            return;
        }
        KernelVerdict v = ctx.policy().checkUnixSocket(path, op);
        if (!listener.idValid(n.id())) return;
        if (!v.allowed() || ctx.logAllowed()) ctx.events().unixSocket(ctx.sessionId(), t.tid(), syscall, op, path, v);
        if (!v.allowed()) {
            listener.respondError(n.id(), Errno.EACCES);
        } else if (safe) {
            listener.respondContinue(n.id());
        } else {
            listener.respondError(n.id(), Errno.EACCES);
            ctx.events().failure(ctx.sessionId(), t.tid(), syscall, "unix socket address in memory another task can write: denied");
        }
    }

    private String unixPath(TraceeInfo t, int len, UnixAccess op) {
        if (len == 2) return "@";
        if (addr[2] == 0) return "@" + new String(addr, 3, len - 3, StandardCharsets.UTF_8);
        int end = 2;
        while (end < len && addr[end] != 0) end++;
        String raw = new String(addr, 2, end - 2, StandardCharsets.UTF_8);
        ResolvedPath r = resolver.resolve(t, FsCalls.AT_FDCWD, raw, op == UnixAccess.CONNECT);
        return r.ok() ? r.policyPath() : null;
    }

    /** connect/bind on the supervisor's duplicate of the tracee's socket, with our copy of the address. */
    private void emulateOnCopy(long id, int tgid, int sockfd, int len, int nr) {
        byte[] copy = java.util.Arrays.copyOf(addr, len);
        Runnable work = () -> onCopy(ctx.freshResponder(), id, tgid, sockfd, copy, nr);
        if (nr == CONNECT) ctx.async(work); // a TCP connect can take long: not on the loop thread
        else work.run();
    }

    private static void onCopy(CallResponder l, long id, int tgid, int sockfd, byte[] sockaddr, int nr) {
        long pidfd = LinuxSyscalls.call(SyscallNumbers.PIDFD_OPEN, tgid, 0, 0);
        if (pidfd < 0) { l.respondError(id, Errno.ESRCH); return; }
        long dup = LinuxSyscalls.call(SyscallNumbers.PIDFD_GETFD, pidfd, sockfd, 0);
        LinuxSyscalls.close((int) pidfd);
        if (dup < 0) { l.respondError(id, (int) -dup); return; }
        Pointer a = LinuxSyscalls.allocate(sockaddr.length);
        a.put(0, sockaddr, 0, sockaddr.length);
        long r = LinuxSyscalls.call(nr, dup, a.address(), sockaddr.length);
        LinuxSyscalls.close((int) dup);
        if (r < 0) l.respondError(id, (int) -r); else l.respondValue(id, r);
    }

    /** The destination of an AF_INET/AF_INET6 sockaddr in {@link #addr}, or null when too short. */
    private java.net.InetSocketAddress inet(int family, int len) {
        try {
            int port = (addr[2] & 0xff) << 8 | (addr[3] & 0xff);
            if (family == AF_INET && len >= 8) {
                return new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(addr, 4, 8)), port);
            }
            if (family == AF_INET6 && len >= 24) { // v4-mapped comes back as an Inet4Address
                return new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(addr, 8, 24)), port);
            }
        } catch (java.net.UnknownHostException e) {
            return null;
        }
        return null;
    }

    /**
     * connect_redirects on the syscall path (reference §1.7: the tracer rewrites the sockaddr): the
     * target is resolved off the loop and connected on a duplicate of the tracee's socket, so the
     * tracee's own connect() returns what that connect returned. A target the socket cannot reach
     * (a unix path, no address of its family) fails the connect with EACCES unless the rule falls
     * back to the original address.
     */
    private void redirect(long id, TraceeInfo t, int sockfd, int family, int len, java.net.InetSocketAddress dst,
                          KernelRedirect r) {
        byte[] original = java.util.Arrays.copyOf(addr, len);
        int tgid = t.tgid();
        int tid = t.tid();
        String remote = (dst.getAddress() instanceof java.net.Inet6Address ? "[" + dst.getAddress().getHostAddress() + "]"
                : dst.getAddress().getHostAddress()) + ":" + dst.getPort();
        ctx.async(() -> {
            CallResponder l = ctx.freshResponder();
            String error = null;
            byte[] target = null;
            if (r.unixPath() != null) {
                error = "a TCP socket cannot connect to the unix socket " + r.unixPath();
            } else {
                try {
                    target = sockaddr(family, java.net.InetAddress.getAllByName(r.host()), r.port());
                    if (target == null) error = "no address of the socket's family for " + r.host();
                } catch (java.net.UnknownHostException e) {
                    error = "cannot resolve " + r.host();
                }
            }
            if (target != null) {
                ctx.events().connectRedirect(ctx.sessionId(), tid, remote, r, null, false);
                onCopy(l, id, tgid, sockfd, target, CONNECT);
            } else if (r.fallsBack()) {
                ctx.events().connectRedirect(ctx.sessionId(), tid, remote, r, error, true);
                onCopy(l, id, tgid, sockfd, original, CONNECT);
            } else {
                ctx.events().connectRedirect(ctx.sessionId(), tid, remote, r, error, false);
                l.respondError(id, Errno.EACCES);
            }
        });
    }

    /** A sockaddr for {@code family} (AF_INET6 takes IPv4 targets v4-mapped), or null. */
    static byte[] sockaddr(int family, java.net.InetAddress[] candidates, int port) {
        for (java.net.InetAddress a : candidates) {
            byte[] ip = a.getAddress();
            if (family == AF_INET && ip.length == 4) {
                byte[] sa = new byte[16];
                sa[0] = AF_INET;
                sa[2] = (byte) (port >>> 8);
                sa[3] = (byte) port;
                System.arraycopy(ip, 0, sa, 4, 4);
                return sa;
            }
            if (family == AF_INET6) {
                byte[] sa = new byte[28];
                sa[0] = AF_INET6;
                sa[2] = (byte) (port >>> 8);
                sa[3] = (byte) port;
                if (ip.length == 4) {
                    sa[18] = (byte) 0xff;
                    sa[19] = (byte) 0xff;
                    System.arraycopy(ip, 0, sa, 20, 4);
                } else {
                    System.arraycopy(ip, 0, sa, 8, 16);
                }
                return sa;
            }
        }
        return null;
    }
}
