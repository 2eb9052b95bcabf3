package io.agentsh.core.kernel.supervisor;

/**
 * The file operations the supervisor asks about; the names are the policy's operation names
 * (policy FileOperation), so an adapter maps them one to one.
 */
public enum FileAccess {
    READ, OPEN, STAT, LIST, READLINK, ACCESS, WRITE, CREATE, DELETE, RMDIR, MKDIR, RENAME, LINK, SYMLINK,
    CHMOD, CHOWN, MKNOD;

    /** Operations that change the file system (always follow the policy in full). */
    public boolean mutates() {
        return switch (this) {
            case READ, OPEN, STAT, LIST, READLINK, ACCESS -> false;
            default -> true;
        };
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
