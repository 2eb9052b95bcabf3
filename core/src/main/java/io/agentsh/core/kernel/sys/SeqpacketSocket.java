package io.agentsh.core.kernel.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * AF_UNIX SOCK_SEQPACKET sockets with SCM_RIGHTS, through raw syscalls (neither the JDK nor
 * jnr-unixsocket passes file descriptors). Message boundaries are kept by the socket type, so
 * every protocol step is exactly one message.
 */
public final class SeqpacketSocket implements AutoCloseable {
    private static final int AF_UNIX = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, SO_PEERCRED = 17;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000, MSG_NOSIGNAL = 0x4000, MSG_TRUNC = 0x20, MSG_CTRUNC = 0x8;
    private static final int SYS_ACCEPT4 = SyscallNumbers.ACCEPT4, SYS_POLL = 7;
    private static final int MAX_MESSAGE = 64 * 1024;

    private final int fd;
    private boolean closed;

    private SeqpacketSocket(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /** Creates, binds and listens on {@code path} (which must not exist). */
    public static SeqpacketSocket listen(String path, int backlog) throws IOException {
        long s = LinuxSyscalls.call(SyscallNumbers.SOCKET, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (s < 0) throw new IOException("socket(AF_UNIX, SOCK_SEQPACKET): errno " + (-s));
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) {
            LinuxSyscalls.close((int) s);
            throw new IOException("socket path too long: " + path);
        }
        Pointer addr = LinuxSyscalls.allocate(110);
        addr.putShort(0, (short) AF_UNIX);
        addr.put(2, p, 0, p.length);
        addr.putByte(2 + p.length, (byte) 0);
        long r = LinuxSyscalls.call(SyscallNumbers.BIND, s, addr.address(), 2 + p.length + 1);
        if (r == 0) r = LinuxSyscalls.call(SyscallNumbers.LISTEN, s, backlog, 0);
        if (r < 0) {
            LinuxSyscalls.close((int) s);
            throw new IOException("bind/listen " + path + ": errno " + (-r));
        }
        return new SeqpacketSocket((int) s);
    }

    /** Waits up to {@code timeoutMillis} for the socket to become readable (or a connection to arrive). */
    public boolean awaitReadable(int timeoutMillis) {
        Pointer pfd = LinuxSyscalls.allocate(8);
        pfd.putInt(0, fd);
        pfd.putShort(4, (short) 1);
        // poll(2) is never restarted after a signal: a SIGCHLD (every ptrace stop of a tracee
        // notifies the daemon) must not read as a timeout, so wait out the remaining time.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            long r = LinuxSyscalls.call(SYS_POLL, pfd.address(), 1, left);
            if (r != -Errno.EINTR) return r > 0;
            if (left == 0) return false;
        }
    }

    /** Accepts one connection; null on timeout. */
    public SeqpacketSocket accept(int timeoutMillis) throws IOException {
        if (!awaitReadable(timeoutMillis)) return null;
        long c = LinuxSyscalls.call(SYS_ACCEPT4, fd, 0, 0, SOCK_CLOEXEC);
        if (c == -Errno.EAGAIN || c == -Errno.EINTR) return null;
        if (c < 0) throw new IOException("accept: errno " + (-c));
        return new SeqpacketSocket((int) c);
    }

    /** The peer's pid from SO_PEERCRED (the kernel's word, not the peer's). */
    public int peerPid() throws IOException {
        Pointer cred = LinuxSyscalls.allocate(12);
        Pointer len = LinuxSyscalls.allocate(4);
        len.putInt(0, 12);
        long r = LinuxSyscalls.call(SyscallNumbers.GETSOCKOPT, fd, SOL_SOCKET, SO_PEERCRED, cred.address(), len.address());
        if (r < 0) throw new IOException("SO_PEERCRED: errno " + (-r));
        return cred.getInt(0);
    }

    /** Sends one message, with {@code passFd} attached via SCM_RIGHTS when {@code >= 0}. */
    public void send(byte[] data, int passFd) throws IOException {
        send(data, passFd >= 0 ? new int[] {passFd} : new int[0]);
    }

    /** Sends one message with every descriptor of {@code passFds} attached, in order, via SCM_RIGHTS. */
    public void send(byte[] data, int[] passFds) throws IOException {
        Pointer buf = LinuxSyscalls.allocate(Math.max(1, data.length));
        buf.put(0, data, 0, data.length);
        Pointer iov = LinuxSyscalls.allocate(16);
        iov.putLong(0, buf.address());
        iov.putLong(8, data.length);
        int n = passFds.length;
        int space = 16 + ((4 * n + 7) & ~7);     // CMSG_SPACE(n * sizeof(int))
        Pointer ctl = LinuxSyscalls.allocate(Math.max(24, space));
        Pointer msg = LinuxSyscalls.allocate(56);
        msg.putLong(16, iov.address());
        msg.putLong(24, 1);
        if (n > 0) {
            ctl.putLong(0, 16 + 4L * n);  // cmsg_len = CMSG_LEN(n * sizeof(int))
            ctl.putInt(8, SOL_SOCKET);
            ctl.putInt(12, SCM_RIGHTS);
            for (int i = 0; i < n; i++) ctl.putInt(16 + 4L * i, passFds[i]);
            msg.putLong(32, ctl.address());
            msg.putLong(40, space);
        }
        long r;
        do {
            r = LinuxSyscalls.call(SyscallNumbers.SENDMSG, fd, msg.address(), MSG_NOSIGNAL);
        } while (r == -Errno.EINTR);
        if (r < 0) throw new IOException("sendmsg: errno " + (-r));
        if (r != data.length) throw new IOException("short sendmsg");
    }

    /** One received message and the descriptor that came with it (-1 if none; close-on-exec). */
    public record Message(byte[] data, int fd) {}

    /** Receives one message, waiting at most {@code timeoutMillis}. */
    public Message receive(int timeoutMillis) throws IOException {
        if (!awaitReadable(timeoutMillis)) throw new IOException("timed out waiting for the exec wrapper");
        Pointer buf = LinuxSyscalls.allocate(MAX_MESSAGE);
        Pointer iov = LinuxSyscalls.allocate(16);
        iov.putLong(0, buf.address());
        iov.putLong(8, MAX_MESSAGE);
        Pointer ctl = LinuxSyscalls.allocate(64);
        Pointer msg = LinuxSyscalls.allocate(56);
        msg.putLong(16, iov.address());
        msg.putLong(24, 1);
        msg.putLong(32, ctl.address());
        msg.putLong(40, 64);
        long r;
        do {
            r = LinuxSyscalls.call(SyscallNumbers.RECVMSG, fd, msg.address(), MSG_CMSG_CLOEXEC);
        } while (r == -Errno.EINTR);
        if (r < 0) throw new IOException("recvmsg: errno " + (-r));
        int passed = -1;
        long ctlLen = msg.getLong(40);
        int off = 0;
        while (off + 16 <= ctlLen) {
            long len = ctl.getLong(off);
            if (len < 16) break;
            if (ctl.getInt(off + 8) == SOL_SOCKET && ctl.getInt(off + 12) == SCM_RIGHTS) {
                int count = (int) ((len - 16) / 4);
                for (int i = 0; i < count; i++) {
                    int got = ctl.getInt(off + 16 + 4L * i);
                    if (passed < 0) passed = got; else LinuxSyscalls.close(got);
                }
            }
            off += (int) ((len + 7) & ~7L);
        }
        int flags = msg.getInt(48);
        if ((flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
            if (passed >= 0) LinuxSyscalls.close(passed);
            throw new IOException("oversized message from the exec wrapper");
        }
        if (r == 0) {
            if (passed >= 0) LinuxSyscalls.close(passed);
            throw new IOException("the exec wrapper closed the connection");
        }
        byte[] out = new byte[(int) r];
        buf.get(0, out, 0, out.length);
        return new Message(out, passed);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LinuxSyscalls.close(fd);
        }
    }
}
