package io.agentsh.core.trash;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one entry point for "delete this, but keep it": used by the FUSE view for unlink, rmdir and
 * rename-over-existing, and by the seccomp/ptrace supervisor when FUSE is off (it intercepts
 * {@code unlinkat}, calls {@link #quarantine}, and answers the syscall with success).
 * Thread-safe.
 */
public final class SoftDeleter {
    private final TrashStore store;
    private final SoftDeleteListener listener;

    public SoftDeleter(TrashStore store, SoftDeleteListener listener) {
        this.store = store;
        this.listener = listener == null ? SoftDeleteListener.NONE : listener;
    }

    public TrashStore store() { return store; }

    /**
     * Moves {@code path} (absolute, as the daemon sees it; for the supervisor, resolved from the
     * tracee's dirfd/cwd without following the final symlink) into the trash and records it.
     *
     * @throws java.nio.file.NoSuchFileException if there is nothing to delete (answer ENOENT)
     * @throws IOException                       the move failed; the file is where it was (answer EIO)
     */
    public TrashEntry quarantine(Path path, String session, String rule) throws IOException {
        return quarantine(path, path.toString(), session, rule, null);
    }

    /**
     * As {@link #quarantine(Path, String, String)}, when the daemon reaches the file through a
     * different path than the user knows it by (a FUSE backing fd), and with the command, if known.
     */
    public TrashEntry quarantine(Path source, String originalPath, String session, String rule, String command)
            throws IOException {
        TrashEntry e = store.divert(source, originalPath, session, rule, command);
        listener.softDeleted(e);
        return e;
    }
}
