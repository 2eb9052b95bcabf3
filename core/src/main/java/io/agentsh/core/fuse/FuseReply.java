package io.agentsh.core.fuse;

import jnr.ffi.Pointer;

/**
 * Builds and sends replies in a per-thread buffer (out-header, then the body). Every method
 * sends exactly one reply for the request's {@code unique}.
 */
final class FuseReply {
    private static final int SIZE = FuseAbi.OUT_HEADER + FuseAbi.MAX_IO + 4096;
    private static final ThreadLocal<FuseReply> PER_THREAD = ThreadLocal.withInitial(FuseReply::new);

    final Pointer buf = FuseDevice.buffer(SIZE);
    /** Scratch memory for the calls a handler makes (statx, statvfs, ioctl arguments). */
    final Pointer scratch = FuseDevice.buffer(512);
    private FuseDevice device;

    static FuseReply of(FuseDevice device) {
        FuseReply r = PER_THREAD.get();
        r.device = device;
        return r;
    }

    /** Where the body starts. */
    static final int BODY = FuseAbi.OUT_HEADER;

    /** Room for a body (READ, READDIR, READLINK, xattrs). */
    static int bodyCapacity() { return SIZE - BODY; }

    void send(long unique, int bodyLength) {
        int len = BODY + bodyLength;
        buf.putInt(0, len);
        buf.putInt(4, 0);
        buf.putLong(8, unique);
        device.send(buf, len);
    }

    void error(long unique, int errno) {
        buf.putInt(0, BODY);
        buf.putInt(4, -Math.abs(errno));
        buf.putLong(8, unique);
        device.send(buf, BODY);
    }

    /** 0 is success with no body; a negative value is -errno. */
    void status(long unique, int rc) {
        if (rc < 0) error(unique, -rc);
        else send(unique, 0);
    }

    /** fuse_attr from a statx buffer, at {@code off} in the reply buffer. */
    void putAttr(int off, Pointer stx) {
        buf.putLong(off, stx.getLong(Statx.INO));
        buf.putLong(off + 8, stx.getLong(Statx.SIZE));
        buf.putLong(off + 16, stx.getLong(Statx.BLOCKS));
        buf.putLong(off + 24, stx.getLong(Statx.ATIME));
        buf.putLong(off + 32, stx.getLong(Statx.MTIME));
        buf.putLong(off + 40, stx.getLong(Statx.CTIME));
        buf.putInt(off + 48, stx.getInt(Statx.ATIME + 8));
        buf.putInt(off + 52, stx.getInt(Statx.MTIME + 8));
        buf.putInt(off + 56, stx.getInt(Statx.CTIME + 8));
        buf.putInt(off + 60, Statx.mode(stx));
        buf.putInt(off + 64, stx.getInt(Statx.NLINK));
        buf.putInt(off + 68, stx.getInt(Statx.UID));
        buf.putInt(off + 72, stx.getInt(Statx.GID));
        buf.putInt(off + 76, Statx.rdev(stx));
        buf.putInt(off + 80, stx.getInt(Statx.BLKSIZE));
        buf.putInt(off + 84, 0);
    }

    /** fuse_entry_out at {@code off}. */
    void putEntry(int off, long nodeId, Pointer stx) {
        buf.putLong(off, nodeId);
        buf.putLong(off + 8, 0);                         // generation: node ids are never reused
        buf.putLong(off + 16, FuseAbi.ENTRY_TIMEOUT_S);
        buf.putLong(off + 24, FuseAbi.ATTR_TIMEOUT_S);
        buf.putInt(off + 32, 0);
        buf.putInt(off + 36, 0);
        putAttr(off + 40, stx);
    }

    void entry(long unique, long nodeId, Pointer stx) {
        putEntry(BODY, nodeId, stx);
        send(unique, FuseAbi.ENTRY_OUT);
    }

    void attr(long unique, Pointer stx) {
        buf.putLong(BODY, FuseAbi.ATTR_TIMEOUT_S);
        buf.putInt(BODY + 8, 0);
        buf.putInt(BODY + 12, 0);
        putAttr(BODY + 16, stx);
        send(unique, FuseAbi.ATTR_OUT);
    }

    private void putOpen(int off, long fh, int openFlags, int backingId) {
        buf.putLong(off, fh);
        buf.putInt(off + 8, openFlags);
        buf.putInt(off + 12, backingId);
    }

    void open(long unique, long fh, int openFlags, int backingId) {
        putOpen(BODY, fh, openFlags, backingId);
        send(unique, FuseAbi.OPEN_OUT);
    }

    void create(long unique, long nodeId, Pointer stx, long fh, int openFlags, int backingId) {
        putEntry(BODY, nodeId, stx);
        putOpen(BODY + FuseAbi.ENTRY_OUT, fh, openFlags, backingId);
        send(unique, FuseAbi.ENTRY_OUT + FuseAbi.OPEN_OUT);
    }

    /** A 32-bit count (fuse_write_out, fuse_getxattr_out). */
    void count(long unique, long n) {
        buf.putInt(BODY, (int) n);
        buf.putInt(BODY + 4, 0);
        send(unique, 8);
    }
}
