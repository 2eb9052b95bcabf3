package io.agentsh.core.fuse;

import jnr.ffi.Pointer;

/**
 * statx(2) into caller-provided memory. statx has one layout on every architecture (struct stat
 * does not), which is why the view uses it for all its attribute reads.
 */
final class Statx {
    private static final LibC C = LibC.INSTANCE;
    static final int SIZE_OF = 256;
    static final int BLKSIZE = 4, NLINK = 16, UID = 20, GID = 24, MODE = 28, INO = 32, SIZE = 40, BLOCKS = 48,
            ATIME = 64, CTIME = 96, MTIME = 112, RDEV_MAJOR = 128, RDEV_MINOR = 132, DEV_MAJOR = 136, DEV_MINOR = 140;
    private static final int BASIC_STATS = 0x7ff;
    private static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000, S_IFREG = 0100000;

    private Statx() {}

    /** Attributes of {@code rel} under {@code dirFd}, never following a final symlink; 0 or -errno. */
    static int at(int dirFd, String rel, Pointer out) {
        return C.statx(dirFd, rel, LibC.AT_SYMLINK_NOFOLLOW, BASIC_STATS, out) == 0 ? 0 : -LibC.errno();
    }

    /** Attributes of an open fd; 0 or -errno. */
    static int of(int fd, Pointer out) {
        return C.statx(fd, "", LibC.AT_EMPTY_PATH, BASIC_STATS, out) == 0 ? 0 : -LibC.errno();
    }

    /** The device a file is on (major, minor), as one number. */
    static long dev(Pointer stx) { return ((long) stx.getInt(DEV_MAJOR) << 32) | (stx.getInt(DEV_MINOR) & 0xffffffffL); }

    static int mode(Pointer stx) { return stx.getShort(MODE) & 0xffff; }

    static boolean isDir(Pointer stx) { return (mode(stx) & S_IFMT) == S_IFDIR; }

    static boolean isRegular(Pointer stx) { return (mode(stx) & S_IFMT) == S_IFREG; }

    static long ino(Pointer stx) { return stx.getLong(INO); }

    /** The kernel's new_encode_dev(), which fuse_attr.rdev carries. */
    static int rdev(Pointer stx) {
        int major = stx.getInt(RDEV_MAJOR), minor = stx.getInt(RDEV_MINOR);
        return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }
}
