package io.agentsh.core.fuse;

/**
 * The FUSE kernel protocol as this view speaks it (uapi {@code linux/fuse.h}, 7.40+): opcodes,
 * flags and the byte offsets of the few structures it reads and writes. Only what is used is
 * named; everything else the kernel sends is answered ENOSYS.
 */
final class FuseAbi {
    private FuseAbi() {}

    static final int KERNEL_MAJOR = 7;
    /** 7.40 brought passthrough (FUSE_PASSTHROUGH, backing_id, max_stack_depth). */
    static final int KERNEL_MINOR = 40;
    static final long ROOT_ID = 1;

    // opcodes
    static final int LOOKUP = 1, FORGET = 2, GETATTR = 3, SETATTR = 4, READLINK = 5, SYMLINK = 6, MKNOD = 8,
            MKDIR = 9, UNLINK = 10, RMDIR = 11, RENAME = 12, LINK = 13, OPEN = 14, READ = 15, WRITE = 16,
            STATFS = 17, RELEASE = 18, FSYNC = 20, SETXATTR = 21, GETXATTR = 22, LISTXATTR = 23,
            REMOVEXATTR = 24, FLUSH = 25, INIT = 26, OPENDIR = 27, READDIR = 28, RELEASEDIR = 29,
            FSYNCDIR = 30, ACCESS = 34, CREATE = 35, INTERRUPT = 36, DESTROY = 38, BATCH_FORGET = 42,
            FALLOCATE = 43, RENAME2 = 45;

    // INIT flags (bits 32.. travel in flags2)
    static final long ASYNC_READ = 1L, ATOMIC_O_TRUNC = 1L << 3, BIG_WRITES = 1L << 5,
            PARALLEL_DIROPS = 1L << 18, MAX_PAGES = 1L << 22, INIT_EXT = 1L << 30, PASSTHROUGH = 1L << 37;

    // OPEN reply flags
    static final int FOPEN_PASSTHROUGH = 1 << 7;

    // SETATTR valid bits
    static final int FATTR_MODE = 1, FATTR_UID = 1 << 1, FATTR_GID = 1 << 2, FATTR_SIZE = 1 << 3,
            FATTR_ATIME = 1 << 4, FATTR_MTIME = 1 << 5, FATTR_FH = 1 << 6, FATTR_ATIME_NOW = 1 << 7,
            FATTR_MTIME_NOW = 1 << 8;

    static final int GETATTR_FH = 1;
    static final int FSYNC_FDATASYNC = 1;

    // RENAME2 flags (renameat2)
    static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;

    /** Sizes: request header, reply header, and the replies' fixed parts. */
    static final int IN_HEADER = 40, OUT_HEADER = 16, ATTR = 88, ENTRY_OUT = 40 + ATTR, ATTR_OUT = 16 + ATTR,
            OPEN_OUT = 16, INIT_OUT = 64, STATFS_OUT = 80, DIRENT_NAME = 24;

    /** Largest READ/WRITE payload: 1 MiB (FUSE_MAX_PAGES, 256 pages). */
    static final int MAX_IO = 1 << 20;
    static final int MAX_PAGES_COUNT = MAX_IO / 4096;
    /** A request buffer holds the largest WRITE with its headers (the kernel refuses smaller reads). */
    static final int REQUEST_BUFFER = MAX_IO + 4096;

    /** Passthrough backing files may sit on a stacked fs (the testbed's overlay root): depth 2, the kernel's maximum. */
    static final int MAX_STACK_DEPTH = 2;

    // /dev/fuse ioctls: _IOW(229, 1, struct fuse_backing_map) and _IOW(229, 2, uint32_t)
    static final long IOC_BACKING_OPEN = 0x4010E501L, IOC_BACKING_CLOSE = 0x4004E502L;

    /** Seconds the kernel may cache a name or attributes (the reference's 1 s). */
    static final long ENTRY_TIMEOUT_S = 1, ATTR_TIMEOUT_S = 1;
}
