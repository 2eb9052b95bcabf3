package io.agentsh.core.fuse;

/**
 * libfuse 2 mount options. Why each: {@code use_ino} keeps the backing inode numbers;
 * {@code allow_other} lets the session's processes (any uid) in; {@code default_permissions} has
 * the kernel check modes; {@code big_writes} + 128 KiB {@code max_write}/{@code max_read} (the
 * libfuse 2 ceiling: it cannot negotiate FUSE_MAX_PAGES) cut round trips for large I/O;
 * {@code max_readahead} 1 MiB, which only takes effect once {@link FuseReadahead} widens the
 * mount's window; {@code splice_write} with {@code read_buf} answering from the backing fd, so
 * read data never passes through Java (the kernel copies it once, pipe to FUSE page); no
 * {@code splice_move}: the kernel's attempt to steal the backing page instead of copying it
 * fails for tmpfs (dirty, swap-backed) and in practice for freshly read disk pages (extra
 * references), and the attempt itself cost 3-5% of the daemon's CPU on a 1 GiB read (perf);
 * {@code atomic_o_trunc} sends O_TRUNC with the OPEN (checked there as a write) instead of a
 * separate SETATTR round trip.
 *
 * <p>Caching, and why the view never serves stale data after a change outside it (restores,
 * the host user, another session's view of the same workspace): {@code auto_cache} with
 * {@code ac_attr_timeout=0} makes libfuse fstat the backing file at every open (in the daemon,
 * no extra kernel round trip) and keep the kernel's page cache only if mtime and size are what
 * they were when the pages were cached; otherwise the kernel drops them. ({@code kernel_cache}
 * would keep them regardless.) Names and attributes: entry/attr timeouts 1 s (the reference's
 * value), so a change outside shows in stat within a second, and {@code negative_timeout=0}, so
 * a restored file is visible at once. A file held open in the view while it is changed outside
 * keeps its cached pages until it is reopened (close-to-open, as NFS).
 */
final class FuseTuning {
    /** {@code -Dagentsh.fuse.debug=true}: libfuse prints every request (for diagnosing round trips; never in production). */
    static final boolean DEBUG = Boolean.getBoolean("agentsh.fuse.debug");
    /** Bytes the kernel may read ahead of a sequential reader (see {@link FuseReadahead}). */
    static final int MAX_READAHEAD = 1 << 20;

    private FuseTuning() {}

    static String[] mountOptions() {
        return new String[] {"-o", String.join(",",
                "fsname=" + WorkspaceMounts.FS_NAME, "subtype=" + WorkspaceMounts.SUBTYPE,
                "allow_other", "default_permissions", "use_ino",
                "big_writes", "max_write=131072", "max_read=131072", "max_readahead=" + MAX_READAHEAD,
                "splice_write", "atomic_o_trunc",
                "auto_cache", "ac_attr_timeout=0", "entry_timeout=1", "attr_timeout=1", "negative_timeout=0")};
    }
}
