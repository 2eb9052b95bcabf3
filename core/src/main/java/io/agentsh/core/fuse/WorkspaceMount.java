package io.agentsh.core.fuse;

import io.agentsh.core.ns.SessionMountNamespace;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A mounted view of one session's workspace. {@link #mountPoint()} is the session object's
 * {@code workspace_mount}; {@link #showIn} puts the view over the workspace path itself inside a
 * session's mount namespace: a process that joins that namespace (and then {@code chdir}s by
 * path) sees the view at the real workspace path.
 */
public interface WorkspaceMount extends AutoCloseable {
    String sessionId();

    /** The real workspace directory (the backing store). */
    Path workspace();

    /** Where the view is mounted in the daemon's mount namespace. */
    Path mountPoint();

    /** Whether opened files are handed to the kernel (FUSE passthrough), so their data never reaches the daemon. */
    boolean passthrough();

    /** Mounts the view over {@link #workspace()} inside {@code ns}; {@link #close()} takes it away again. */
    void showIn(SessionMountNamespace ns) throws IOException;

    /** Unmounts the view (here and in every namespace it was shown in). Idempotent. */
    @Override void close() throws IOException;
}
