package io.agentsh.core.pty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The master side of a pseudo-terminal. The daemon holds only the master (opened O_NOCTTY and
 * close-on-exec); the slave is known by path and opened by the child ({@link PtySpawner}).
 * Reads poll with a timeout so a reader thread can notice {@link #close} instead of blocking in
 * read(2) forever while some stray process keeps the slave open.
 */
public final class Pty implements AutoCloseable {
    private static final PtyLibC C = PtyLibC.INSTANCE;
    private static final Runtime RT = Runtime.getRuntime(C);

    private int master;
    private final String slavePath;
    private volatile boolean closed;
    /** Guards the fd against close while a write or resize uses it (reads are joined before close). */
    private final Object fdLock = new Object();

    private Pty(int master, String slavePath) {
        this.master = master;
        this.slavePath = slavePath;
    }

    /** A new pty of rows x cols. */
    public static Pty open(int rows, int cols) throws IOException {
        // Non-blocking: a write to a terminal nobody reads must not wedge the writer (see write).
        int fd = C.posix_openpt(PtyLibC.O_RDWR | PtyLibC.O_NOCTTY | PtyLibC.O_CLOEXEC | PtyLibC.O_NONBLOCK);
        if (fd < 0) throw failure("posix_openpt");
        try {
            if (C.grantpt(fd) != 0) throw failure("grantpt");
            if (C.unlockpt(fd) != 0) throw failure("unlockpt");
            byte[] name = new byte[128];
            int rc = C.ptsname_r(fd, name, name.length);
            if (rc != 0) throw new IOException("ptsname_r: " + C.strerror(rc));
            int len = 0;
            while (len < name.length && name[len] != 0) len++;
            Pty pty = new Pty(fd, new String(name, 0, len, StandardCharsets.US_ASCII));
            pty.resize(rows, cols);
            return pty;
        } catch (IOException | RuntimeException e) {
            C.close(fd);
            throw e;
        }
    }

    private static IOException failure(String call) {
        int e = PtyLibC.errno();
        return new IOException(call + ": " + C.strerror(e));
    }

    /** The slave's path, for the child to open (/dev/pts/N). */
    public String slavePath() {
        return slavePath;
    }

    /** TIOCSWINSZ on the master: the kernel sends SIGWINCH to the terminal's foreground group. */
    public void resize(int rows, int cols) throws IOException {
        if (rows <= 0 || cols <= 0 || rows > 0xffff || cols > 0xffff) {
            throw new IllegalArgumentException("terminal size out of range: " + rows + "x" + cols);
        }
        Pointer ws = Memory.allocateDirect(RT, 8);
        ws.putShort(0, (short) rows);
        ws.putShort(2, (short) cols);
        ws.putShort(4, (short) 0);
        ws.putShort(6, (short) 0);
        synchronized (fdLock) {
            if (closed) return;
            if (C.ioctl(master, PtyLibC.TIOCSWINSZ, ws) != 0) throw failure("ioctl(TIOCSWINSZ)");
        }
    }

    /**
     * Reads what the terminal produced: > 0 bytes, 0 when nothing came within {@code timeoutMs},
     * -1 at the end (every slave user gone: EIO, or this pty closed).
     */
    public int read(byte[] buf, int timeoutMs) throws IOException {
        Pointer pfd = Memory.allocateDirect(RT, 8);
        while (!closed) {
            pfd.putInt(0, master);
            pfd.putShort(4, PtyLibC.POLLIN);
            pfd.putShort(6, (short) 0);
            int n = C.poll(pfd, 1, timeoutMs);
            if (n < 0) {
                int e = PtyLibC.errno();
                if (e == PtyLibC.EINTR) continue;
                throw new IOException("poll: " + C.strerror(e));
            }
            if (n == 0) return 0;
            long r = C.read(master, buf, buf.length);
            if (r > 0) return (int) r;
            if (r == 0) return -1;
            int e = PtyLibC.errno();
            if (e == PtyLibC.EINTR || e == PtyLibC.EAGAIN) continue;
            if (e == PtyLibC.EIO) return -1; // the last slave fd closed
            throw new IOException("read: " + C.strerror(e));
        }
        return -1;
    }

    /**
     * Writes input as typed at the terminal, all of it. When the terminal's input queue is full
     * (the command does not read) this waits in slices, so {@link #stop} still ends it.
     */
    public void write(byte[] data, int len) throws IOException {
        Pointer pfd = Memory.allocateDirect(RT, 8);
        int off = 0;
        synchronized (fdLock) {
            while (off < len) {
                if (closed) throw new IOException("pty closed");
                byte[] chunk = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, len);
                long w = C.write(master, chunk, len - off);
                if (w >= 0) {
                    off += (int) w;
                    continue;
                }
                int e = PtyLibC.errno();
                if (e == PtyLibC.EINTR) continue;
                if (e != PtyLibC.EAGAIN) throw new IOException("write: " + C.strerror(e));
                pfd.putInt(0, master);
                pfd.putShort(4, PtyLibC.POLLOUT);
                pfd.putShort(6, (short) 0);
                C.poll(pfd, 1, 100);
            }
        }
    }

    /** Makes a pending or later {@link #read} return -1 (within its poll timeout); the fd stays open. */
    public void stop() {
        closed = true;
    }

    /** Closes the master. Call it once no thread reads any more (a reused fd number must not be read). */
    @Override
    public void close() {
        closed = true;
        synchronized (fdLock) {
            if (master < 0) return;
            C.close(master);
            master = -1;
        }
    }
}
