package io.agentsh.core.fuse;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import jnr.ffi.Pointer;

/**
 * Serves one mounted view: a single thread reads requests from the FUSE device and answers
 * them in place. One thread, not a pool, because a FUSE round trip is dominated by wake-ups: a
 * request handed between threads (libfuse's multithreaded loop) wakes a thread on another CPU
 * each time, which on a VM with halting idle vCPUs costs more than the work. With passthrough
 * the kernel moves file data itself, so nothing left on this thread waits on a disk for long;
 * what may (fsync, reads and writes when passthrough is unavailable, moves into the trash) runs
 * on a few worker threads and answers from there.
 */
final class FuseSession {
    /** Kernel requests that may block on I/O, served off the loop. */
    private static boolean slow(int opcode) {
        return opcode == FuseAbi.READ || opcode == FuseAbi.WRITE || opcode == FuseAbi.FSYNC
                || opcode == FuseAbi.FSYNCDIR || opcode == FuseAbi.FALLOCATE;
    }

    private final FuseDevice device;
    private final WorkspaceFs fs;
    private final ThreadPoolExecutor workers;
    private final Thread loop;
    private volatile Throwable failure;
    /** Requests served, by opcode (what tests and diagnostics ask: did reads reach the daemon?). */
    private final AtomicLongArray served = new AtomicLongArray(64);
    private volatile boolean passthroughOffered;
    private final CountDownLatch initialized = new CountDownLatch(1);

    private final boolean passthroughAllowed;

    /** {@code passthroughAllowed} false: never ask for passthrough (tests of the daemon-served data path). */
    FuseSession(FuseDevice device, WorkspaceFs fs, String name, boolean passthroughAllowed) {
        this.device = device;
        this.fs = fs;
        this.passthroughAllowed = passthroughAllowed;
        this.workers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().name("fuse-work-" + name).daemon().unstarted(r));
        this.workers.allowCoreThreadTimeOut(true);
        fs.attach(device, workers);
        this.loop = Thread.ofPlatform().name("fuse-" + name).daemon().unstarted(this::serve);
    }

    void start() { loop.start(); }

    Thread thread() { return loop; }

    Throwable failure() { return failure; }

    long served(int opcode) { return served.get(opcode); }

    /** Waits until the kernel's INIT has been answered (or the loop has ended); false on timeout. */
    boolean awaitInit(long millis) throws InterruptedException {
        return initialized.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the kernel offered passthrough at INIT (it is then used unless BACKING_OPEN is refused). */
    boolean passthroughOffered() { return passthroughOffered; }

    private void serve() {
        Pointer buf = FuseDevice.buffer(FuseAbi.REQUEST_BUFFER);
        try {
            while (true) {
                int n = device.receive(buf, FuseAbi.REQUEST_BUFFER);
                if (n < 0) break;
                FuseRequest r = new FuseRequest(buf, n);
                if (slow(r.opcode())) {
                    FuseRequest copy = r.copy();
                    workers.execute(() -> dispatch(copy));
                } else if (!dispatch(r)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            initialized.countDown();   // nobody waits for an INIT that will never come
            workers.shutdown();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fs.closeAll();
            device.close();
        }
    }

    /** Answers one request; false after DESTROY (the kernel is done with the connection). */
    private boolean dispatch(FuseRequest r) {
        FuseReply out = FuseReply.of(device);
        int opcode = r.opcode();
        if (opcode >= 0 && opcode < served.length()) served.incrementAndGet(opcode);
        try {
            switch (opcode) {
                case FuseAbi.INIT -> init(r, out);
                case FuseAbi.LOOKUP -> fs.lookup(r, out);
                case FuseAbi.FORGET -> fs.forget(r);                 // no reply
                case FuseAbi.BATCH_FORGET -> fs.batchForget(r);      // no reply
                case FuseAbi.GETATTR -> fs.getattr(r, out);
                case FuseAbi.SETATTR -> fs.setattr(r, out);
                case FuseAbi.READLINK -> fs.readlink(r, out);
                case FuseAbi.SYMLINK -> fs.symlink(r, out);
                case FuseAbi.MKNOD -> fs.mknod(r, out);
                case FuseAbi.MKDIR -> fs.mkdir(r, out);
                case FuseAbi.UNLINK -> fs.unlink(r, out, false);
                case FuseAbi.RMDIR -> fs.unlink(r, out, true);
                case FuseAbi.RENAME -> fs.rename(r, out, false);
                case FuseAbi.RENAME2 -> fs.rename(r, out, true);
                case FuseAbi.LINK -> fs.link(r, out);
                case FuseAbi.OPEN -> fs.open(r, out);
                case FuseAbi.CREATE -> fs.create(r, out);
                case FuseAbi.READ -> fs.read(r, out);
                case FuseAbi.WRITE -> fs.write(r, out);
                case FuseAbi.STATFS -> fs.statfs(r, out);
                case FuseAbi.RELEASE -> fs.release(r, out);
                case FuseAbi.FSYNC -> fs.fsync(r, out);
                case FuseAbi.FALLOCATE -> fs.fallocate(r, out);
                case FuseAbi.SETXATTR -> fs.setxattr(r, out);
                case FuseAbi.GETXATTR -> fs.getxattr(r, out);
                case FuseAbi.LISTXATTR -> fs.listxattr(r, out);
                case FuseAbi.REMOVEXATTR -> fs.removexattr(r, out);
                case FuseAbi.OPENDIR -> fs.opendir(r, out);
                case FuseAbi.READDIR -> fs.readdir(r, out);
                case FuseAbi.RELEASEDIR -> fs.releasedir(r, out);
                case FuseAbi.FSYNCDIR -> fs.fsyncdir(r, out);
                case FuseAbi.ACCESS -> fs.access(r, out);
                case FuseAbi.INTERRUPT -> { }                        // every request is answered promptly anyway
                case FuseAbi.DESTROY -> {
                    out.send(r.unique(), 0);
                    return false;
                }
                // FLUSH: writes reach the backing file at once, so there is nothing to flush; ENOSYS
                // makes the kernel stop sending it (one round trip less per close). Locks, ioctl,
                // poll, lseek, copy_file_range, statx, tmpfile: the kernel falls back or fails them.
                default -> out.error(r.unique(), LibC.ENOSYS);
            }
        } catch (RuntimeException e) {
            out.error(r.unique(), LibC.EIO);   // never leave the caller hanging; fail, do not pass
        }
        return true;
    }

    /**
     * Protocol negotiation. Asks for: passthrough (opened files' data never reaches the daemon),
     * 1 MiB requests (FUSE_MAX_PAGES) when it must serve data itself, atomic O_TRUNC (a
     * truncating open is one OPEN, checked as a write), parallel lookups, async reads.
     */
    private void init(FuseRequest r, FuseReply out) {
        int major = r.u32(0), minor = r.u32(4);
        if (major != FuseAbi.KERNEL_MAJOR) {
            out.error(r.unique(), 71 /* EPROTO */);
            return;
        }
        long offered = r.u32(12) & 0xffffffffL;
        if ((offered & FuseAbi.INIT_EXT) != 0) offered |= (r.u32(16) & 0xffffffffL) << 32;
        long wanted = FuseAbi.ASYNC_READ | FuseAbi.ATOMIC_O_TRUNC | FuseAbi.BIG_WRITES | FuseAbi.PARALLEL_DIROPS
                | FuseAbi.MAX_PAGES | FuseAbi.INIT_EXT | (passthroughAllowed ? FuseAbi.PASSTHROUGH : 0);
        long granted = offered & wanted;
        boolean passthrough = (granted & FuseAbi.PASSTHROUGH) != 0;
        passthroughOffered = (offered & FuseAbi.PASSTHROUGH) != 0;
        fs.passthrough(passthrough);
        Pointer b = out.buf;
        int o = FuseReply.BODY;
        for (int i = 0; i < FuseAbi.INIT_OUT; i += 4) b.putInt(o + i, 0);
        b.putInt(o, FuseAbi.KERNEL_MAJOR);
        b.putInt(o + 4, Math.min(minor, FuseAbi.KERNEL_MINOR));
        b.putInt(o + 8, Math.min(r.u32(8), FuseAbi.MAX_IO));            // max_readahead
        b.putInt(o + 12, (int) granted);                                  // flags (low 32)
        b.putShort(o + 16, (short) 16);                                   // max_background
        b.putShort(o + 18, (short) 12);                                   // congestion_threshold
        b.putInt(o + 20, FuseAbi.MAX_IO);                                 // max_write
        b.putInt(o + 24, 1);                                              // time_gran (ns)
        b.putShort(o + 28, (short) FuseAbi.MAX_PAGES_COUNT);              // max_pages
        b.putInt(o + 32, (int) (granted >>> 32));                         // flags2
        b.putInt(o + 36, passthrough ? FuseAbi.MAX_STACK_DEPTH : 0);      // max_stack_depth
        out.send(r.unique(), FuseAbi.INIT_OUT);
        initialized.countDown();
    }
}
