package io.agentsh.core.fuse;

/**
 * libfuse 2 mount options. Why each: {@code use_ino} keeps the backing inode numbers;
 * {@code allow_other} lets the session's processes (any uid) in; {@code default_permissions} has
 * the kernel check modes; {@code big_writes} + 128 KiB {@code max_write}/{@code max_read} (the
 * libfuse 2 ceiling) cut round trips for large I/O; {@code auto_cache} keeps the page cache across
 * opens unless the file changed on the host side (mtime/size), which {@code kernel_cache} would
 * not notice; short entry/attr timeouts (1 s, as the reference) so host-side changes show.
 */
final class FuseTuning {
    /** {@code -Dagentsh.fuse.debug=true}: libfuse prints every request (for diagnosing round trips; never in production). */
    static final boolean DEBUG = Boolean.getBoolean("agentsh.fuse.debug");

    private FuseTuning() {}

    static String[] mountOptions() {
        return new String[] {"-o", String.join(",",
                "fsname=" + WorkspaceMounts.FS_NAME, "subtype=" + WorkspaceMounts.SUBTYPE,
                "allow_other", "default_permissions", "use_ino",
                "big_writes", "max_write=131072", "max_read=131072", "max_readahead=1048576",
                "auto_cache", "splice_write", "splice_move", "entry_timeout=1", "attr_timeout=1", "negative_timeout=0")};
    }
}
