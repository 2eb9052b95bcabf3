package io.agentsh.core.exec;

import io.agentsh.core.session.Session;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Maps a request's working_dir (virtual, relative to the session cwd) to a real directory under
 * the workspace mount (reference exec.go resolveWorkingDir). Failures are exit-2 messages.
 */
public final class WorkingDirs {
    public static final class BadWorkingDir extends Exception {
        public BadWorkingDir(String message) {
            super(message);
        }
    }

    private WorkingDirs() {}

    public static Path resolve(Session s, String workingDir) throws BadWorkingDir {
        String root = s.virtualRoot();
        String requested = workingDir == null || workingDir.isEmpty() ? s.cwd() : workingDir;
        Path virtual = Path.of(s.cwd()).resolve(requested).normalize();
        Path rootPath = Path.of(root);
        if (!virtual.startsWith(rootPath)) throw new BadWorkingDir("working_dir must be under " + root);
        Path mount = s.workspaceMount();
        Path real = mount.resolve(rootPath.relativize(virtual).toString()).normalize();
        if (!real.startsWith(mount)) throw new BadWorkingDir("working_dir escapes workspace mount");
        try {
            Path resolved = real.toRealPath();
            if (!resolved.startsWith(mount.toRealPath())) {
                throw new BadWorkingDir("working_dir symlink escapes workspace mount");
            }
            return resolved;
        } catch (IOException e) {
            throw new BadWorkingDir("working_dir: " + real + ": no such file or directory");
        }
    }
}
