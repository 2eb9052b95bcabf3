package io.agentsh.core.fuse;

import io.agentsh.policy.ServerConfig;
import java.nio.file.Path;

/**
 * {@code sandbox.fuse} as the daemon uses it: whether to mount views at all, whether lazily, where
 * (mount_base_dir, else sessions.base_dir), and the global audit mode for destructive operations.
 * When {@code enabled} is false or {@link WorkspaceMounts#fuseAvailable()} is false, soft delete
 * is done by the syscall supervisor through {@link io.agentsh.core.trash.SoftDeleter}.
 */
public record FuseSettings(boolean enabled, boolean deferred, Path mountBaseDir, AuditMode auditMode,
                           Path deferredMarkerFile, java.util.List<String> deferredEnableCommand) {
    public static FuseSettings from(ServerConfig c) {
        String base = c.string("sandbox.fuse.mount_base_dir");
        Path dir = base == null || base.isBlank() ? c.sessionsBaseDir() : Path.of(base);
        AuditMode mode = c.bool("sandbox.fuse.audit.enabled") ? AuditMode.parse(c.string("sandbox.fuse.audit.mode")) : AuditMode.MONITOR;
        String marker = c.string("sandbox.fuse.deferred_marker_file");
        return new FuseSettings(c.bool("sandbox.fuse.enabled"), c.bool("sandbox.fuse.deferred"), dir, mode,
                marker == null || marker.isBlank() ? null : Path.of(marker), c.strings("sandbox.fuse.deferred_enable_command"));
    }
}
