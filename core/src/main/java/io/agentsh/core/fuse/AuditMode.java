package io.agentsh.core.fuse;

import java.util.Locale;

/**
 * {@code sandbox.fuse.audit.mode}: what unlink, rmdir and rename-over-existing do when the file
 * rule itself does not say {@code soft_delete} (policy-config.md §4.4).
 */
public enum AuditMode {
    /** Perform the operation (the default). */
    MONITOR,
    /** Refuse destructive operations with EACCES. */
    SOFT_BLOCK,
    /** Move the victim to the trash and report success. */
    SOFT_DELETE,
    /** As monitor; the daemon fails the operation with EIO if it cannot record it. */
    STRICT;

    public static AuditMode parse(String s) {
        if (s == null || s.isBlank()) return MONITOR;
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "monitor" -> MONITOR;
            case "soft_block" -> SOFT_BLOCK;
            case "soft_delete" -> SOFT_DELETE;
            case "strict" -> STRICT;
            default -> throw new IllegalArgumentException("invalid sandbox.fuse.audit.mode \"" + s
                    + "\" (monitor, soft_block, soft_delete or strict)");
        };
    }
}
