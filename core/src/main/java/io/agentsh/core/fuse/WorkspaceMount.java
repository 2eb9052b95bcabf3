package io.agentsh.core.fuse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A mounted view of one session's workspace. {@link #mountPoint()} is the session object's
 * {@code workspace_mount}; {@link #namespaceFile()} (when made) is a persistent mount namespace in
 * which the view is bind-mounted over the workspace path itself: a process that
 * {@code setns(open(file), CLONE_NEWNS)}s into it and then {@code chdir}s sees the view at the
 * real workspace path.
 */
public interface WorkspaceMount extends AutoCloseable {
    String sessionId();

    /** The real workspace directory (the backing store). */
    Path workspace();

    /** Where the view is mounted in the daemon's mount namespace. */
    Path mountPoint();

    /** The session's mount namespace (nsfs bind-mounted on a file), if one was made. */
    Optional<Path> namespaceFile();

    /** Unmounts the view and drops the namespace. Idempotent. */
    @Override void close() throws IOException;
}
