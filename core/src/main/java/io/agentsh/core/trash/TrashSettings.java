package io.agentsh.core.trash;

import io.agentsh.policy.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The trash part of {@code sandbox.fuse.audit}: where the store lives and its limits.
 * Location: {@code trash_path} when the config sets it (absolute as is; relative joined to the
 * workspace, as the reference does with the FUSE backing root), else {@code <data_dir>/trash}
 * (e.g. /var/lib/agentsh/trash): one store that survives restarts and that the agent's view of
 * the workspace does not contain.
 */
public record TrashSettings(String configuredPath, Path dataDir, Duration ttl, long quotaBytes, long hashSmallFilesUnder) {
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    public static final long DEFAULT_QUOTA = 5_000_000_000L;
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/agentsh");

    public static TrashSettings defaults() {
        return new TrashSettings(null, DEFAULT_DATA_DIR, DEFAULT_TTL, DEFAULT_QUOTA, TrashStore.DEFAULT_HASH_LIMIT);
    }

    public static TrashSettings from(ServerConfig c) {
        String p = c.isSet("sandbox.fuse.audit.trash_path") ? c.string("sandbox.fuse.audit.trash_path") : null;
        Duration ttl = c.duration("sandbox.fuse.audit.ttl");
        long quota = c.byteSize("sandbox.fuse.audit.quota");
        long hash = c.byteSize("sandbox.fuse.audit.hash_small_files_under");
        return new TrashSettings(p, c.dataDir(), ttl == null ? DEFAULT_TTL : ttl, quota > 0 ? quota : DEFAULT_QUOTA,
                hash > 0 ? hash : TrashStore.DEFAULT_HASH_LIMIT);
    }

    /** The store's directory; {@code workspace} matters only for a relative {@code trash_path} (may be null). */
    public Path resolve(Path workspace) {
        if (configuredPath == null || configuredPath.isBlank()) return dataDir.resolve("trash");
        Path p = Path.of(configuredPath);
        if (p.isAbsolute()) return p;
        return (workspace != null ? workspace : Path.of("").toAbsolutePath()).resolve(p).normalize();
    }
}
