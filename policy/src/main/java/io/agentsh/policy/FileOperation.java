package io.agentsh.policy;

import java.util.Locale;

/** File operation names as the enforcement layers produce them (reference §4.2). */
public enum FileOperation {
    READ, OPEN, STAT, LIST, READLINK, ACCESS, WRITE, CREATE, DELETE,
    RMDIR, MKDIR, RENAME, LINK, SYMLINK, CHMOD, CHOWN, MKNOD;

    private static final FileOperation[] VALUES = values();
    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() { return wireName; }

    /** Read-like operations fall to {@code default-allow-reads} when no rule matches. */
    public boolean isReadLike() {
        return switch (this) {
            case READ, OPEN, STAT, LIST, READLINK, ACCESS -> true;
            default -> false;
        };
    }

    /** Parses a wire name case-insensitively; {@code null} when unknown. */
    public static FileOperation parse(String s) {
        if (s == null) return null;
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (FileOperation op : VALUES) if (op.wireName.equals(t)) return op;
        return null;
    }

    @Override public String toString() { return wireName; }
}
