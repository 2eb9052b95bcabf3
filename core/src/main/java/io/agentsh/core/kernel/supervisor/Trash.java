package io.agentsh.core.kernel.supervisor;

/**
 * Where soft-deleted files go when the supervisor performs a delete the policy marked
 * {@code soft_delete} (FUSE does it inside a mounted workspace; this is for everything else).
 * The supervisor moves the object itself (renameat2 RENAME_NOREPLACE from the checked parent
 * directory into {@link #payloadDir}), then reports it so the manifest can be written.
 */
public interface Trash {
    /** The payload directory for a file at {@code path} (absolute), or null: no trash there. */
    String payloadDir(String path);

    /** A fresh token (the payload's name). */
    String newToken();

    /** The object now lies at {@code payloadDir/token}; write the manifest (may be called off the loop). */
    void diverted(String sessionId, String originalPath, String payloadDir, String token);
}
